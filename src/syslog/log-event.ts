/** Okta's LogEvent (developer.okta.com System Log API), as Bulwark emits it: every field present. */
export type LogActor = {
  id: string;
  type: string;
  alternateId: string | null;
  displayName: string | null;
  detailEntry: Record<string, unknown> | null;
};

export type LogTarget = LogActor & { changeDetails?: { from: Record<string, unknown>; to: Record<string, unknown> } };

export type LogOutcomeResult =
  | 'SUCCESS' | 'FAILURE' | 'SKIPPED' | 'ALLOW' | 'DENY' | 'CHALLENGE' | 'UNKNOWN'
  | 'RATE_LIMIT' | 'DEFERRED' | 'SCHEDULED' | 'ABANDONED' | 'UNANSWERED';

export type Severity = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

type GeoContext = {
  city: string | null;
  state: string | null;
  country: string | null;
  postalCode: string | null;
  geolocation: { lat: number; lon: number } | null;
} | null;

export type LogEvent = {
  uuid: string;
  published: string;
  eventType: string;
  version: '0';
  severity: Severity;
  legacyEventType: string | null;
  displayMessage: string;
  actor: LogActor;
  client: {
    userAgent: { rawUserAgent: string | null; os: string; browser: string } | null;
    zone: string | null;
    device: string | null;
    id: string | null;
    ipAddress: string | null;
    geographicalContext: GeoContext;
  };
  device: null;
  authenticationContext: {
    authenticationProvider: string | null;
    credentialProvider: string | null;
    credentialType: string | null;
    issuer: { id: string; type: string } | null;
    interface: string | null;
    authenticationStep: 0;
    externalSessionId: string | null;
    rootSessionId: string | null;
  };
  securityContext: {
    asNumber: number | null;
    asOrg: string | null;
    isp: string | null;
    domain: string | null;
    isProxy: boolean | null;
  };
  outcome: { result: LogOutcomeResult; reason: string | null };
  target: LogTarget[];
  transaction: { type: 'WEB' | 'JOB'; id: string; detail: Record<string, unknown> };
  debugContext: { debugData: Record<string, unknown> };
  request: { ipChain: { ip: string; geographicalContext: GeoContext; version: 'V4' | 'V6'; source: string | null }[] };
};

/** What a service says about a change; the request context supplies the rest. */
export type EventInput = {
  eventType: string;
  displayMessage: string;
  severity?: Severity;
  legacyEventType?: string | null;
  outcome?: { result: LogOutcomeResult; reason?: string | null };
  target?: LogTarget[];
  debugData?: Record<string, unknown>;
  /** Sign-in events say how the user authenticated and which session they are about. */
  authenticationContext?: Partial<Pick<LogEvent['authenticationContext'], 'authenticationProvider' | 'credentialType' | 'externalSessionId' | 'rootSessionId'>>;
};

/** Who is acting, from where, in which request: built once per request (or per CLI command / job). */
export type AuditContext = {
  actor: LogActor;
  ipAddress: string | null;
  userAgent: string | null;
  transaction: { type: 'WEB' | 'JOB'; id: string; detail: Record<string, unknown> };
  requestUri: string | null;
  /** The addresses a trusted proxy chain vouches for, client first; absent: just `ipAddress`. */
  ipChain?: readonly string[];
  /** The client's network, where the request's handler looked it up (sign-in, sessions, factors). */
  network?: { asNumber: number | null; asOrg: string | null; country: string | null };
  /** The admin session the actor acted through, for `authenticationContext` (API tokens have none). */
  sessionId?: string;
};
