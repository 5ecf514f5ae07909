/**
 * Which admin roles can read each part of the console (src/roles/permissions.ts grants them): the navigation
 * shows an admin only the parts their roles open. The server decides every call; this only hides dead ends.
 */
const LOG_READERS = ['SUPER_ADMIN', 'ORG_ADMIN', 'READ_ONLY_ADMIN'];

const AREA_ROLES: Record<string, readonly string[] | undefined> = {
  users: undefined,
  groups: undefined,
  policies: LOG_READERS,
  logs: LOG_READERS,
  alerts: LOG_READERS,
  tokens: ['SUPER_ADMIN'],
  settings: undefined,
};

export function mayOpen(area: string, roles: readonly string[]): boolean {
  const needed = AREA_ROLES[area];
  return needed === undefined || roles.some((r) => needed.includes(r));
}
