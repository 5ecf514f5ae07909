/**
 * The permission each part of the console needs to be read (the server's own names, which
 * GET /api/v1/admin/session lists for the signed-in admin): the navigation shows an admin only the parts
 * their roles open. The server decides every call; this only hides dead ends.
 */
const AREA_PERMISSION: Record<string, string> = {
  users: 'users.read',
  groups: 'groups.read',
  apps: 'apps.read',
  policies: 'policies.read',
  logs: 'logs.read',
  alerts: 'logs.read',
  investigations: 'investigations.read',
  remediations: 'remediations.read',
  'support-access': 'support.read',
  'support-activity': 'support.read',
  tokens: 'tokens.manage',
  settings: 'policies.read',
};

export function mayOpen(area: string, permissions: readonly string[]): boolean {
  const needed = AREA_PERMISSION[area];
  return needed !== undefined && permissions.includes(needed);
}
