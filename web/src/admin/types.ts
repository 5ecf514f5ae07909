/** The management API's objects, the parts the admin console reads (Okta's shapes; see src/ for the full ones). */

type Link = { href: string; method?: string; hints?: { allow: string[] } };
type Links = Record<string, Link>;

export type AdminSession = {
  id: string;
  tenant: { id: string; slug: string; name: string };
  user: { id: string; login: string; displayName: string };
  roles: string[];
  /** What the admin's roles allow (src/roles/permissions.ts), e.g. `logs.read`. */
  permissions: string[];
  created: string;
  expiresAt: string;
  idleExpiresAt: string;
  lastStepUp: string | null;
  protectedActionMinutes: number;
  network: { ip: string | null; asNumber: number | null; asOrg: string | null };
};

export const USER_STATUSES = ['STAGED', 'PROVISIONED', 'ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'SUSPENDED', 'DEPROVISIONED'] as const;

export type Profile = Record<string, unknown> & { login: string; email: string; firstName?: string | null; lastName?: string | null };

export type User = {
  id: string;
  status: string;
  created: string;
  activated: string | null;
  statusChanged: string | null;
  lastLogin: string | null;
  lastUpdated: string;
  passwordChanged: string | null;
  profile: Profile;
  credentials: { password?: Record<string, never> };
  _links: Links;
};

export type Group = {
  id: string;
  created: string;
  lastUpdated: string;
  lastMembershipUpdated: string;
  type: string;
  profile: { name: string; description: string | null };
};

export const ROLE_TYPES = ['SUPER_ADMIN', 'ORG_ADMIN', 'HELP_DESK_ADMIN', 'READ_ONLY_ADMIN'] as const;

export type Role = { id: string; label: string; type: string; status: string; created: string };

export type Factor = { id: string; factorType: string; provider: string; status: string; created: string; lastUpdated: string; profile: Record<string, unknown> };

export type ApiToken = { id: string; name: string; userId: string; created: string; lastUsed: string | null; expiresAt: string | null; token?: string };

type IncludeExclude = { include: string[]; exclude: string[] };

export type SignOnRule = {
  id: string;
  name: string;
  priority: number;
  status: 'ACTIVE' | 'INACTIVE';
  system: boolean;
  conditions: {
    people: { groups: IncludeExclude; users: IncludeExclude };
    network: { connection: 'ANYWHERE' | 'ZONE' } & IncludeExclude;
    app: IncludeExclude;
  } & Record<string, unknown>;
  actions: {
    signon: {
      access: 'ALLOW' | 'DENY';
      requireFactor: boolean;
      phishingResistant: 'REQUIRED' | 'OPTIONAL';
      factorPromptMode: 'ALWAYS' | 'SESSION';
      factorLifetime: number;
      session: { maxSessionIdleMinutes: number; maxSessionLifetimeMinutes: number } & Record<string, unknown>;
    } & Record<string, unknown>;
  };
  _links: Links;
} & Record<string, unknown>;

export type PasswordSettings = {
  complexity: {
    minLength: number;
    minLowerCase: 0 | 1;
    minUpperCase: 0 | 1;
    minNumber: 0 | 1;
    minSymbol: 0 | 1;
    excludeUsername: boolean;
    dictionary: { common: { exclude: boolean } };
  };
  age: { historyCount: number };
  lockout: { maxAttempts: number; autoUnlockMinutes: number; showLockoutFailures: false };
};

export type PasswordPolicy = { id: string; lastUpdated: string | null; settings: { password: PasswordSettings } } & Record<string, unknown>;

export type Zone = {
  id: string;
  type: 'IP' | 'DYNAMIC';
  name: string;
  status: 'ACTIVE' | 'INACTIVE';
  gateways?: { type: 'CIDR' | 'RANGE'; value: string }[] | null;
  asns?: string[] | null;
  locations?: { country: string }[] | null;
  _links: Links;
};

export type AdminSettings = {
  maxSessionIdleMinutes: number;
  maxSessionLifetimeMinutes: number;
  protectedActionMinutes: number;
  asnBinding: { enabled: boolean; allowedAsns: number[]; allowedRanges: string[] };
  lastUpdated?: string | null;
};

export type Alert = { id: string; type: string; severity: string; created: string; userId: string | null; details: Record<string, unknown> };

type LogActor = { id: string; type: string; alternateId: string | null; displayName: string | null };

export type LogEvent = {
  uuid: string;
  published: string;
  eventType: string;
  severity: string;
  displayMessage: string;
  actor: LogActor;
  client: { ipAddress: string | null; userAgent: { rawUserAgent: string | null } | null } | null;
  outcome: { result: string; reason: string | null };
  target: LogActor[] | null;
  securityContext: { asNumber: number | null; asOrg: string | null } | null;
  transaction: { id: string; type: string } | null;
} & Record<string, unknown>;

/** How an app proves itself at the token endpoint (`none`: a public client, which must use PKCE). */
export type AuthMethod = 'client_secret_basic' | 'private_key_jwt' | 'none';

export type OauthClientSettings = {
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  response_types: string[];
  grant_types: string[];
  application_type: 'web' | 'native' | 'browser';
  consent_method: 'REQUIRED' | 'TRUSTED';
  initiate_login_uri?: string;
  jwks?: { keys: Record<string, unknown>[] };
};

/** Okta's Application for an OpenID Connect client (src/apps/dto.ts); `client_secret` only in the answer to a create. */
export type Application = {
  id: string;
  name: 'oidc_client';
  label: string;
  status: 'ACTIVE' | 'INACTIVE';
  created: string;
  lastUpdated: string;
  signOnMode: 'OPENID_CONNECT';
  features: string[];
  credentials: { oauthClient: { client_id: string; token_endpoint_auth_method: AuthMethod; autoKeyRotation: boolean; client_secret?: string } };
  settings: { oauthClient: OauthClientSettings };
  _links: Links;
};

/** A client secret as listed: its last four characters only; `client_secret` only in the answer that made it. */
export type ClientSecret = { id: string; status: 'ACTIVE' | 'INACTIVE'; client_secret_hint: string; created: string; lastUpdated: string; client_secret?: string; _links: Links };

/** A direct assignment of a user to an app (Okta's AppUser; Bulwark provisions nothing, so no app profile). */
export type AppUser = { id: string; created: string; lastUpdated: string; scope: 'USER'; status: string; credentials: { userName: string }; _links: Links };

/** An assignment of a group to an app (Okta's ApplicationGroupAssignment): the group by id only. */
export type AppGroup = { id: string; lastUpdated: string; priority: number; _links: Links };

export type VerifiedAction = 'RESET_PASSWORD' | 'RESET_FACTORS';
export type VerificationMethod = 'TARGET_PASSKEY' | 'ADMIN_ATTESTATION';

/**
 * A verification of the person before a help-desk reset of an admin (docs/privileged-verification.md); `_links`
 * name what the signed-in admin may do with it now (`attest`, `deny`: a withdrawal for the admin who asked).
 */
export type Verification = {
  id: string;
  status: 'PENDING' | 'VERIFIED' | 'DENIED' | 'USED' | 'EXPIRED';
  action: VerifiedAction;
  method: VerificationMethod;
  userId: string;
  requestedBy: { id: string; name: string };
  created: string;
  verifyBy: string;
  decision: { outcome: 'VERIFIED' | 'DENIED' | 'WITHDRAWN'; by: { id: string; name: string }; at: string; statement: string | null } | null;
  useBy: string | null;
  used: string | null;
  /** Only in the answer to the request, once. */
  verificationUrl?: string;
  _links: Links;
};
