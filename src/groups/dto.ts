import type { GroupRow } from './store.ts';

export type PublicGroup = {
  id: string;
  created: string;
  lastUpdated: string;
  lastMembershipUpdated: string;
  objectClass: string[];
  type: GroupRow['type'];
  profile: { name: string; description: string | null };
  _links: Record<string, { href: string }>;
};

/**
 * The Group object as Okta shapes it, built field by field. Only links Bulwark serves are given: Okta's `logo`
 * and `apps` point at assets and an Apps API that do not exist here.
 */
export function toPublicGroup(group: GroupRow, baseUrl: string): PublicGroup {
  const self = `${baseUrl}/api/v1/groups/${group.id}`;
  return {
    id: group.id,
    created: group.created.toISOString(),
    lastUpdated: group.lastUpdated.toISOString(),
    lastMembershipUpdated: group.lastMembershipUpdated.toISOString(),
    objectClass: ['okta:user_group'],
    type: group.type,
    profile: { name: group.name, description: group.description },
    _links: { self: { href: self }, users: { href: `${self}/users` } },
  };
}
