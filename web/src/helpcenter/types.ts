import { ApiError } from '../api.ts';
import type { AccessGrant, AccessGrantStatus, AccessScope } from '../support-access.ts';

/** The wire shapes of the Help Center's case routes (src/cases/dto.ts, src/cases/staff-routes.ts). */
export type CaseStatus = 'OPEN' | 'IN_PROGRESS' | 'WAITING_ON_CUSTOMER' | 'CLOSED';

/** Someone of the support staff, as a case names who has it. */
export type Assignee = { id: string; name: string };

/** GET /help/v1/staff/members: the cell's staff who work cases (AGENT or SENIOR_AGENT). */
export type CaseWorker = { id: string; name: string; email: string | null; staffRoles: string[] };

/** The staff member signed in to the console: `id` is their Help Center record, as cases' assignees name them. */
export type StaffMember = { id: string; name: string; staffRoles: string[] };

export type Comment = { id: string; author: { kind: 'CUSTOMER' | 'STAFF'; name: string }; body: string; created: string };

export type SupportCase = {
  id: string;
  number: number;
  title: string;
  description: string;
  severity: string;
  productArea: string;
  status: CaseStatus;
  openedBy: { name: string };
  created: string;
  lastUpdated: string;
  closed: string | null;
  /** Staff routes only. */
  organization?: { id: string; slug: string; name: string };
  /** Staff routes only: who has the case, if anyone. */
  assignee?: Assignee | null;
};

export type Attachment = {
  id: string;
  name: string;
  kind: 'har' | 'json' | 'text';
  size: number;
  sha256: string;
  removed: Record<string, number>;
  uploadedBy: { kind: 'CUSTOMER' | 'STAFF'; name: string };
  created: string;
};

export type CaseWithComments = SupportCase & { comments: Comment[]; attachments: Attachment[] };

/** What the sanitizer removes, by kind (src/attachments/redactions.ts), as people say it. */
const REMOVAL_WORDS: Record<string, [string, string]> = {
  cookie: ['cookie', 'cookies'], set_cookie: ['cookie set by a server', 'cookies set by servers'],
  authorization_header: ['authorization header', 'authorization headers'], api_key: ['API key', 'API keys'],
  bearer_token: ['bearer token', 'bearer tokens'], jwt: ['JSON Web Token', 'JSON Web Tokens'], saml: ['SAML message', 'SAML messages'],
  oauth_parameter: ['OAuth value', 'OAuth values'], password: ['password', 'passwords'], session_id: ['session id', 'session ids'],
  csrf_token: ['anti-forgery token', 'anti-forgery tokens'], url_credentials: ['credential in an address', 'credentials in addresses'],
  private_key: ['private key', 'private keys'], secret_field: ['other secret', 'other secrets'],
};

/** "3 cookies, 1 password", or that nothing was found. */
export function removalSummary(removed: Record<string, number>): string {
  const parts = Object.entries(removed).filter(([, n]) => n > 0).map(([kind, n]) => {
    const words = REMOVAL_WORDS[kind] ?? [kind, kind];
    return `${n} ${n === 1 ? words[0] : words[1]}`;
  });
  return parts.length === 0 ? 'nothing secret was found' : parts.join(', ');
}

export function sizeWords(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A case's status as its customer reads it. */
export const STATUS_WORDS: Record<CaseStatus, string> = { OPEN: 'Open', IN_PROGRESS: 'In progress', WAITING_ON_CUSTOMER: 'Waiting on you', CLOSED: 'Closed' };

/** A case's status as support staff read it, in the order a case moves along. */
export const STAFF_STATUS_WORDS: Record<CaseStatus, string> = { OPEN: 'Open', IN_PROGRESS: 'In progress', WAITING_ON_CUSTOMER: 'Waiting on the customer', CLOSED: 'Closed' };

export const SEVERITY_WORDS: Record<string, string> = {
  SEV1: 'Severity 1: sign-in is down for everyone',
  SEV2: 'Severity 2: many people are affected',
  SEV3: 'Severity 3: some people are affected',
  SEV4: 'Severity 4: a question or a small problem',
};

export const AREA_WORDS: Record<string, string> = {
  SIGN_IN: 'Sign-in', MFA: 'Factors and passkeys', DIRECTORY: 'Users and groups', SSO: 'Apps and single sign-on',
  SYSTEM_LOG: 'System Log', API: 'API', ADMIN_CONSOLE: 'Admin console', OTHER: 'Something else',
};

/** The wire shapes of the support plane's report routes (docs/reports.md). */
export type ReportField = { name: string; label: string; personal: boolean; default: boolean };

export type ReportFilter = { name: string; label: string; kind: 'organization' | 'enum' | 'datetime'; scope?: boolean; options?: string[] };

export type ReportTemplate = {
  id: string;
  version: number;
  name: string;
  description: string;
  rowThreshold: number;
  fields: ReportField[];
  filters: ReportFilter[];
};

export type ReportOrganization = { slug: string; name: string };

export type ReportRunStatus = 'READY' | 'PENDING_APPROVAL' | 'APPROVED' | 'DENIED' | 'EXPIRED';

export type ReportDecision = { status: 'APPROVED' | 'DENIED'; by: { id: string; name: string }; at: string | null; note: string | null };

export type ReportRun = {
  id: string;
  template: string;
  templateVersion: number;
  filters: Record<string, string>;
  fields: string[];
  personalFields: string[];
  rows: number;
  bulk: boolean;
  status: ReportRunStatus;
  reason: string | null;
  requestedBy: { id: string; name: string };
  created: string;
  expiresAt: string;
  decision: ReportDecision | null;
};

export type ReportDownload = {
  id: string;
  runId: string;
  template: string;
  templateVersion: number;
  filters: Record<string, string>;
  fields: string[];
  format: 'csv' | 'xlsx';
  asOf: string;
  rows: number;
  bytes: number | null;
  sha256: string | null;
  contentSha256: string | null;
  status: string;
  downloadedBy: { id: string; name: string };
  started: string;
  finished: string | null;
};

/** `matchesBytes` is null when sizes are not compared: an XLSX download is compared by its content's SHA-256. */
export type ReconcileVariant = { name: string; filters: Record<string, string>; rows: number; bytes: number; sha256: string; matchesBytes: boolean | null; matchesSha256: boolean };

export type Reconciliation = {
  download: ReportDownload;
  observed: { bytes: number | null; sha256: string | null };
  variants: ReconcileVariant[];
  match: string | null;
};

export const RUN_STATUS_WORDS: Record<ReportRunStatus, string> = {
  READY: 'Ready', PENDING_APPROVAL: 'Waiting for approval', APPROVED: 'Approved', DENIED: 'Denied', EXPIRED: 'Expired',
};

/** A run gives files only when ready or approved, and only within its hour (the server checks again). */
export function downloadable(run: ReportRun, now = Date.now()): boolean {
  return (run.status === 'READY' || run.status === 'APPROVED') && Date.parse(run.expiresAt) > now;
}

export function downloadUrl(runId: string, format: 'csv' | 'xlsx'): string {
  return `/help/v1/staff/reports/runs/${encodeURIComponent(runId)}/download?format=${format}`;
}

/** The filters as applied, one `name = value` each; an empty scope is spelled out, since that is the 2023 export. */
export function filterWords(filters: Record<string, string>, template?: ReportTemplate): string {
  const parts = Object.entries(filters).map(([name, value]) => `${template?.filters.find((f) => f.name === name)?.label ?? name} = ${value}`);
  return parts.length === 0 ? 'none' : parts.join('; ');
}

/** Whether the filters leave out the template's scope filter (the organisation): every organisation's rows. */
export function unscoped(filters: Record<string, string>, template?: ReportTemplate): boolean {
  const scopes = template ? template.filters.filter((f) => f.scope).map((f) => f.name) : ['organization'];
  return !scopes.some((s) => filters[s] !== undefined && filters[s] !== '');
}

/** The filters, with a missing scope said outright. */
export function scopeWords(filters: Record<string, string>, template?: ReportTemplate): string {
  return unscoped(filters, template) ? `${filterWords(filters, template)} (all organizations)` : filterWords(filters, template);
}

export function fieldLabels(names: string[], template?: ReportTemplate): string {
  return names.map((n) => template?.fields.find((f) => f.name === n)?.label ?? n).join(', ') || 'the defaults';
}

/** An error as the server wrote it (Okta's error object): its summary and every cause. */
export function problemOf(e: unknown): { summary: string; causes: readonly string[] } {
  if (e instanceof ApiError) return { summary: e.summary, causes: e.causes };
  return { summary: e instanceof Error ? e.message : String(e), causes: [] };
}

export function shortHash(hash: string | null): string {
  return hash ? `${hash.slice(0, 12)}…` : '—';
}

export const DOWNLOAD_STATUS_WORDS: Record<string, string> = {
  SERVING: 'Being served', COMPLETE: 'Complete', ABORTED: 'Cut short (the client went away)',
};

/** How long a grant may be asked for (the server takes 15 to 480 minutes; 240 unless asked otherwise). */
export const ACCESS_DURATIONS = [{ minutes: 60, words: '1 hour' }, { minutes: 120, words: '2 hours' }, { minutes: 240, words: '4 hours' }, { minutes: 480, words: '8 hours' }] as const;
export const DEFAULT_ACCESS_MINUTES = 240;

export type { AccessGrant, AccessGrantStatus, AccessScope };
export { ACCESS_SCOPES } from '../support-access.ts';

/** POST /help/v1/staff/access-grants/{id}/token: shown once; the server keeps only its hash. */
export type SupportToken = { token: string; tokenType: 'Support'; expiresAt: string; api: string; grant: AccessGrant };

export const GRANT_STATUS_WORDS: Record<AccessGrantStatus, string> = {
  PENDING: 'Pending', APPROVED: 'Approved', DENIED: 'Denied', REVOKED: 'Ended', EXPIRED: 'Expired',
};

export function minutesWords(minutes: number): string {
  if (minutes % 60 !== 0) return `${minutes} minutes`;
  return minutes === 60 ? '1 hour' : `${minutes / 60} hours`;
}
