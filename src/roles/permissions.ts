/** Okta's standard admin roles that Bulwark implements. */
export const ROLE_TYPES = ['SUPER_ADMIN', 'ORG_ADMIN', 'HELP_DESK_ADMIN', 'READ_ONLY_ADMIN'] as const;
export type RoleType = (typeof ROLE_TYPES)[number];

export const PERMISSIONS = [
  'users.read',
  'users.manage',
  /** unlock, reset and expire passwords, end a user's sessions: the help desk's job */
  'users.helpdesk',
  /** reset a user's factors (one or all): the help desk's too, apart so that support access can grant one without the other */
  'users.factors.reset',
  'groups.read',
  'groups.manage',
  /** see the tenant's OpenID Connect apps, their secrets' metadata and their assignments */
  'apps.read',
  /** register, change and delete them, rotate their secrets and assign them */
  'apps.manage',
  'logs.read',
  'roles.read',
  'roles.manage',
  'tokens.manage',
  /** read, refresh and end any session by id, and turn a sessionToken into a session (Okta's Sessions API) */
  'sessions.manage',
  /** read the tenant's policies (password rules, lockout) */
  'policies.read',
  /** change them */
  'policies.manage',
  /** the tenant's admin session settings: timeouts, network binding, protected actions */
  'settings.manage',
  /** see support's requests for access to the tenant and the grants given */
  'support.read',
  /** approve, deny and revoke them */
  'support.manage',
  /** see the remediation plans made after an incident (docs/remediation.md) */
  'remediations.read',
  /** plan one (a dry run over the System Log) and cancel one */
  'remediations.manage',
  /** approve and apply one: every action of a plan may reach a super admin, which only a super admin may act on */
  'remediations.apply',
  /**
   * see the tenant's investigations and ask their questions of its System Log (docs/forensics.md); not in any
   * support scope: an investigation may be about support staff
   */
  'investigations.read',
  /** save and delete them */
  'investigations.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<RoleType, readonly Permission[]> = {
  SUPER_ADMIN: PERMISSIONS,
  ORG_ADMIN: ['users.read', 'users.manage', 'users.helpdesk', 'users.factors.reset', 'groups.read', 'groups.manage', 'apps.read', 'apps.manage', 'logs.read', 'roles.read', 'sessions.manage', 'policies.read', 'policies.manage', 'support.read', 'support.manage', 'remediations.read', 'remediations.manage', 'investigations.read', 'investigations.manage'],
  HELP_DESK_ADMIN: ['users.read', 'users.helpdesk', 'users.factors.reset', 'groups.read'],
  READ_ONLY_ADMIN: ['users.read', 'groups.read', 'apps.read', 'logs.read', 'roles.read', 'policies.read', 'support.read', 'remediations.read', 'investigations.read'],
};

export function permissionsOf(roles: Iterable<RoleType>): Set<Permission> {
  const out = new Set<Permission>();
  for (const role of roles) for (const p of GRANTS[role]) out.add(p);
  return out;
}

/**
 * Whether an admin holding `actorRoles` may change a user holding `targetRoles`. A help-desk admin acts only
 * on people with no admin role; only a super admin acts on a super admin. This is the rule the 2022 support
 * intrusion shows matters: resets on privileged accounts must not be in reach of lower-privileged staff.
 */
export function mayActOn(actorRoles: ReadonlySet<RoleType>, targetRoles: ReadonlySet<RoleType>): boolean {
  if (actorRoles.has('SUPER_ADMIN')) return true;
  if (targetRoles.has('SUPER_ADMIN')) return false;
  if (actorRoles.has('ORG_ADMIN')) return true;
  if (actorRoles.has('HELP_DESK_ADMIN')) return targetRoles.size === 0;
  return false;
}

/**
 * Whether an admin holding `actorRoles` may reset a password or factors of a user holding `targetRoles` once the
 * person has been verified (docs/privileged-verification.md): beyond mayActOn, a help-desk admin on a user who
 * holds an admin role, a super admin included (whose verification only a super admin may attest). An org admin
 * still never acts on a super admin: verification widens the help desk's reach, nobody else's.
 */
export function mayActOnVerified(actorRoles: ReadonlySet<RoleType>, targetRoles: ReadonlySet<RoleType>): boolean {
  return mayActOn(actorRoles, targetRoles) || actorRoles.has('HELP_DESK_ADMIN');
}
