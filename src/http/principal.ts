import type { Permission, RoleType } from '#src/roles/permissions.ts';

/** The authenticated caller of an API request: an API token acting with its creator's rights in one tenant. */
export type Principal = {
  tenant: { id: string; slug: string; cell: string };
  user: { id: string; login: string; displayName: string };
  tokenId: string;
  roles: ReadonlySet<RoleType>;
  permissions: ReadonlySet<Permission>;
};
