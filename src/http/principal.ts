import type { Permission, RoleType } from '#src/roles/permissions.ts';

/**
 * The authenticated caller of an API request in one tenant: an API token acting with its creator's rights,
 * or an admin console session (docs/admin-sessions.md) acting with its user's.
 */
export type Principal = {
  tenant: { id: string; slug: string; cell: string };
  user: { id: string; login: string; displayName: string };
  via: { kind: 'token'; tokenId: string } | { kind: 'session'; sessionId: string; lastPhishingResistant: Date | null }
    /** Support staff under a grant of the tenant (docs/support-access.md). */
    | { kind: 'support'; tokenId: string; grantId: string; caseId: string; cell: string };
  roles: ReadonlySet<RoleType>;
  permissions: ReadonlySet<Permission>;
};
