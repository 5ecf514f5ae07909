import { lifecycleLinks } from './lifecycle.ts';
import type { UserRow } from './store.ts';

export type PublicUser = {
  id: string;
  status: string;
  created: string;
  activated: string | null;
  statusChanged: string | null;
  lastLogin: string | null;
  lastUpdated: string;
  passwordChanged: string | null;
  type: { id: string };
  profile: Record<string, unknown>;
  credentials: { password?: Record<string, never>; provider: { type: string; name: string } };
  _links: Record<string, { href: string; method?: string }>;
};

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/** The default user type's id, one per tenant. */
export function userTypeId(tenantId: string): string {
  return `oty${tenantId.slice(3)}`;
}

const LINK_PATH: Record<string, string> = {
  activate: 'lifecycle/activate',
  reactivate: 'lifecycle/reactivate',
  deactivate: 'lifecycle/deactivate',
  suspend: 'lifecycle/suspend',
  unsuspend: 'lifecycle/unsuspend',
  unlock: 'lifecycle/unlock',
  resetPassword: 'lifecycle/reset_password',
  expirePassword: 'lifecycle/expire_password',
};

/**
 * The User object as Okta shapes it. Built field by field from the row, so the password hash can never reach
 * the wire; a collection carries only the `self` link, a single user also its lifecycle links.
 */
export function toPublicUser(user: UserRow, tenantId: string, baseUrl: string, single: boolean): PublicUser {
  const self = `${baseUrl}/api/v1/users/${user.id}`;
  const links: PublicUser['_links'] = { self: { href: self } };
  if (single) {
    for (const name of lifecycleLinks(user.status)) {
      links[name] = { href: `${self}/${LINK_PATH[name]}`, method: 'POST' };
    }
    links['type'] = { href: `${baseUrl}/api/v1/meta/types/user/${userTypeId(tenantId)}` };
  }
  return {
    id: user.id,
    status: user.status,
    created: user.created.toISOString(),
    activated: iso(user.activated),
    statusChanged: iso(user.statusChanged),
    lastLogin: iso(user.lastLogin),
    lastUpdated: user.lastUpdated.toISOString(),
    passwordChanged: iso(user.passwordChanged),
    type: { id: userTypeId(tenantId) },
    profile: user.profile,
    credentials: {
      ...(user.passwordHash === null ? {} : { password: {} }),
      provider: { type: 'OKTA', name: 'OKTA' },
    },
    _links: links,
  };
}

/**
 * The caller's own profile as Okta's MyAccount API shapes it (`GET /idp/myaccount/profile`): no id, status or
 * credentials, only the profile and when the account was made and last changed.
 */
export function toMyProfile(user: UserRow, base: string) {
  return {
    createdAt: user.created.toISOString(),
    modifiedAt: user.lastUpdated.toISOString(),
    profile: user.profile,
    _links: { self: { href: `${base}/idp/myaccount/profile`, hints: { allow: ['GET', 'PUT'] } } },
  };
}
