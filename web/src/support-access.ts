/** A support access grant as both sides see it: the admin console and the support console (src/support-access/dto.ts, docs/support-access.md). */
export type AccessGrantStatus = 'PENDING' | 'APPROVED' | 'DENIED' | 'REVOKED' | 'EXPIRED';

export type AccessScope = { name: string; label: string; write: boolean };

/**
 * What staff may ask to do in a tenant, as src/support-access/scopes.ts names and labels it
 * (test/support-access-request-web.test.ts checks the two agree). Write scopes act only on users who hold no
 * admin role, and are never pre-approved.
 */
export const ACCESS_SCOPES: readonly AccessScope[] = [
  { name: 'okta.users.read', label: 'Read users and their groups', write: false },
  { name: 'okta.logs.read', label: 'Read the System Log', write: false },
  { name: 'okta.policies.read', label: 'Read sign-on and password policies', write: false },
  { name: 'okta.users.factors.reset', label: 'Reset the factors of users who hold no admin role', write: true },
  { name: 'okta.users.passwords.reset', label: 'Reset, expire and unlock the passwords of users who hold no admin role, and end their sessions', write: true },
];

/** The latest request for more time on a grant; its status lapses to EXPIRED if the grant ends first. */
export type AccessExtension = {
  id: string;
  status: 'PENDING' | 'APPROVED' | 'DENIED' | 'REVOKED' | 'EXPIRED';
  /** Asked for, or given once approved. */
  durationMinutes: number;
  justification: string;
  requested: string;
  decision: { outcome: 'APPROVED' | 'DENIED'; by: { id: string; name: string }; at: string; note: string | null } | null;
  /** The grant's end before the approval, and after it. */
  extendedFrom: string | null;
  expiresAt: string | null;
};

export type AccessGrant = {
  id: string;
  status: AccessGrantStatus;
  /** Staff see it; the organization's admins know who they are. */
  organization?: { slug: string; name: string };
  caseId: string;
  cell: string;
  staff: { name: string; email: string | null };
  justification: string;
  scopes: AccessScope[];
  durationMinutes: number;
  requested: string;
  decideBy: string;
  /** `by` the admin who decided, or null when a pre-approval rule (`rule`) approved it. */
  decision: { outcome: 'APPROVED' | 'DENIED'; by: { id: string; name: string } | null; rule: { name: string } | null; at: string; note: string | null } | null;
  expiresAt: string | null;
  revocation: { by: { name: string }; kind: 'ADMIN' | 'STAFF'; at: string } | null;
  extension: AccessExtension | null;
};

/** Case severities a pre-approval rule may name (src/cases/store.ts). */
export const CASE_SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;

/** GET/PUT /api/v1/support-access/policy: the rules that approve some requests as they arrive. */
export type PreApprovalRule = { name: string; scopes: string[]; severities: string[]; maxDurationMinutes: number };
export type PreApprovalPolicy = { rules: PreApprovalRule[]; lastUpdated: string | null };
