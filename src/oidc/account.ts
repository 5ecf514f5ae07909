import type { Account, AccountClaims } from 'oidc-provider';
import type { Db } from '#src/db/database.ts';
import { groupNamesOfUser } from '#src/groups/service.ts';
import { roleTypesOf } from '#src/roles/service.ts';
import { displayNameOf } from '#src/users/profile.ts';
import type { UserRow } from '#src/users/service.ts';

/** Which OpenID Connect claims each scope releases (Core 5.4), plus Okta's `groups`. */
export const SCOPE_CLAIMS = {
  // How and when the user signed in go into every ID token, as Okta's do: an app may hold its users to a factor.
  openid: ['sub', 'amr', 'auth_time'],
  profile: ['name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'locale', 'zoneinfo', 'updated_at'],
  email: ['email', 'email_verified'],
  phone: ['phone_number'],
  groups: ['groups'],
  // Bulwark's own: the user's admin role types (SUPER_ADMIN, ...), for the Help Center alone (clients.ts).
  admin_roles: ['admin_roles'],
} as const;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The standard claims from the Okta profile attributes they correspond to; absent attributes are left out. */
function profileClaims(user: UserRow): Record<string, unknown> {
  const p = user.profile;
  const claims: Record<string, unknown> = {
    name: displayNameOf(p),
    given_name: text(p['firstName']),
    family_name: text(p['lastName']),
    middle_name: text(p['middleName']),
    nickname: text(p['nickName']),
    preferred_username: text(p['login']),
    profile: text(p['profileUrl']),
    locale: text(p['locale']),
    zoneinfo: text(p['timezone']),
    updated_at: Math.floor(user.lastUpdated.getTime() / 1000),
    email: text(p['email']),
    // An admin created the account with this address and the user activated it; Bulwark sends no mail to
    // verify it further, as Okta's org authorization server also reports true for its users.
    email_verified: text(p['email']) !== undefined,
    phone_number: text(p['mobilePhone']) ?? text(p['primaryPhone']),
  };
  return Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
}

/** oidc-provider's findAccount: an ACTIVE user of the tenant (by id only), whose claims are read when asked for. */
export async function findAccount(db: Db, tenantId: string, sub: string, userOf: (id: string) => Promise<UserRow | undefined>): Promise<Account | undefined> {
  const user = await userOf(sub);
  if (!user || user.id !== sub || user.status !== 'ACTIVE') return undefined;
  return {
    accountId: user.id,
    async claims(_use, scope): Promise<AccountClaims> {
      const granted = new Set(scope.split(' '));
      return {
        sub: user.id,
        ...profileClaims(user),
        ...(granted.has('groups') ? { groups: await groupNamesOfUser(db, tenantId, user.id) } : {}),
        ...(granted.has('admin_roles') ? { admin_roles: [...await roleTypesOf(db, tenantId, user.id)].sort() } : {}),
      };
    },
  };
}
