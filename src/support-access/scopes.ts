import type { Permission } from '#src/roles/permissions.ts';

/**
 * What support staff may ask to do in a tenant. Read scopes see what the management API shows an admin (never a
 * secret: no hashes, seeds, recovery codes or tokens are in it); write scopes act only on users who hold no
 * admin role, so that no grant reaches the accounts an attacker wants most.
 */
export const SUPPORT_SCOPES = {
  'okta.users.read': { label: 'Read users and their groups', write: false, permissions: ['users.read', 'groups.read'] },
  'okta.logs.read': { label: 'Read the System Log', write: false, permissions: ['logs.read'] },
  'okta.policies.read': { label: 'Read sign-on and password policies', write: false, permissions: ['policies.read'] },
  'okta.users.factors.reset': { label: 'Reset the factors of users who hold no admin role', write: true, permissions: ['users.factors.reset'] },
  'okta.users.passwords.reset': { label: 'Reset, expire and unlock the passwords of users who hold no admin role, and end their sessions', write: true, permissions: ['users.helpdesk'] },
} as const satisfies Record<string, { label: string; write: boolean; permissions: readonly Permission[] }>;

/** What a grant of `scopes` lets its holder do on the management API. */
export function permissionsOfScopes(scopes: readonly SupportScope[]): Set<Permission> {
  return new Set(scopes.flatMap((s) => SUPPORT_SCOPES[s].permissions));
}

export type SupportScope = keyof typeof SUPPORT_SCOPES;
export const SCOPE_NAMES = Object.keys(SUPPORT_SCOPES) as SupportScope[];

/** How long a grant lasts unless asked otherwise, and at most; how long a request waits for a decision. */
export const DEFAULT_MINUTES = 240;
export const MAX_MINUTES = 480;
export const MIN_MINUTES = 15;
export const DECIDE_WITHIN_MS = 12 * 3_600_000;

/**
 * A staff member asking for access to more organizations than this within an hour raises an alert to the
 * support plane's security staff; past the hard limit the request is refused. In 2022 one session touched 366.
 */
export const TENANTS_PER_HOUR_ALERT = 5;
export const TENANTS_PER_HOUR_LIMIT = 20;
