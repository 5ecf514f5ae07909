import type { Config } from '#src/config.ts';
import type { Db } from '#src/db/database.ts';
import { createGroup } from '#src/groups/service.ts';
import type { Clock } from '#src/lib/clock.ts';
import { newSecret } from '#src/lib/secrets.ts';
import { createUser } from '#src/users/service.ts';
import { DEMO_DOMAIN, DEMO_GROUPS, demoUsers } from './demo-data.ts';
import { createSupportPlane, createTenant, listTenants, operatorServiceContext, type CreatedTenant } from './service.ts';

/**
 * First start on an empty database: tenant `demo` with a super admin (the bootstrap settings, or generated
 * credentials returned here to be printed once), sample users and groups. Does nothing once any tenant exists.
 */
export async function bootstrapDemoTenant(db: Db, clock: Clock, config: Config): Promise<CreatedTenant | undefined> {
  if ((await listTenants(db)).length > 0) return undefined;
  const created = await createTenant(db, clock, {
    slug: 'demo',
    name: 'Demo Corp',
    adminEmail: config.bootstrap.adminEmail,
    ...(config.bootstrap.adminPassword === undefined ? {} : { adminPassword: config.bootstrap.adminPassword }),
    ...(config.bootstrap.apiToken === undefined ? {} : { apiToken: config.bootstrap.apiToken }),
  });
  if (config.bootstrap.seedDemo) {
    const ctx = operatorServiceContext(db, clock, created.tenant.id, `seed-${created.tenant.id}`);
    const groups = new Map<string, string>();
    for (const g of DEMO_GROUPS) groups.set(g.name, (await createGroup(ctx, { name: g.name, description: g.description })).id);
    for (const [i, u] of demoUsers(DEMO_DOMAIN).entries()) {
      // A password nobody is told: these people set their own long ago, as far as the demo goes.
      await createUser(ctx, { profile: u.profile, activate: i % 12 !== 0, expirePassword: false, groupIds: [groups.get(u.department) as string], ...(u.password ? { password: `${newSecret(18)}Aa1` } : {}) });
    }
  }
  return created;
}

/** The commercial cell's support plane made at first start, and its demo staff, each waiting to enroll a passkey. */
export type DemoSupportPlane = { plane: CreatedTenant; staff: { id: string; login: string; name: string; roles: string }[]; groups: ReadonlyMap<string, string> };

/** The plane's staff groups (docs/help-center.md), each giving its members a staff role. */
const STAFF_GROUPS = [
  { name: 'Support agents', description: 'Work the queue and answer customers (staff role AGENT)' },
  { name: 'Report admins', description: 'Run reports over the support plane (staff role REPORT_ADMIN)' },
  { name: 'Support security', description: 'Approve bulk exports, investigate downloads (staff role SECURITY)' },
] as const;

/**
 * First start, with the demo seeded: the commercial cell's support plane (`staff-commercial`) with its staff
 * groups and two people who have no credential yet (their enrollment links are printed): Grace Hopper, an
 * agent who also runs reports, and Katherine Johnson of support security, who approves bulk exports.
 */
export async function bootstrapSupportPlane(db: Db, clock: Clock, config: Config): Promise<DemoSupportPlane | undefined> {
  if (!config.bootstrap.seedDemo) return undefined;
  const domain = config.baseDomain.replace(/:\d+$/, '');
  const plane = await createSupportPlane(db, clock, { cell: 'commercial', adminEmail: `it@staff-commercial.${domain}` });
  const ctx = operatorServiceContext(db, clock, plane.tenant.id, `seed-${plane.tenant.id}`);
  const groups = new Map<string, string>();
  for (const g of STAFF_GROUPS) groups.set(g.name, (await createGroup(ctx, g)).id);
  const people = [
    { first: 'Grace', last: 'Hopper', groups: ['Support agents', 'Report admins'] },
    { first: 'Katherine', last: 'Johnson', groups: ['Support security'] },
  ];
  const staff = [];
  for (const p of people) {
    const login = `${p.first}.${p.last}@staff-commercial.${domain}`.toLowerCase();
    const user = await createUser(ctx, { profile: { login, email: login, firstName: p.first, lastName: p.last }, activate: true, expirePassword: false, groupIds: p.groups.map((g) => groups.get(g) as string) });
    staff.push({ id: user.id, login, name: `${p.first} ${p.last}`, roles: p.groups.join(', ') });
  }
  return { plane, staff, groups };
}
