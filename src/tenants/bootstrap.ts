import type { Config } from '#src/config.ts';
import type { Db } from '#src/db/database.ts';
import { createGroup } from '#src/groups/service.ts';
import type { Clock } from '#src/lib/clock.ts';
import { createUser } from '#src/users/service.ts';
import { DEMO_GROUPS, demoUsers } from './demo-data.ts';
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
    for (const [i, u] of demoUsers('demo.example.com').entries()) {
      await createUser(ctx, { profile: u.profile, activate: i % 12 !== 0, expirePassword: false, groupIds: [groups.get(u.department) as string] });
    }
  }
  return created;
}

/** The commercial cell's support plane made at first start, and a support agent waiting to enroll a passkey. */
export type DemoSupportPlane = { plane: CreatedTenant; agentId: string; agentLogin: string };

/**
 * First start, with the demo seeded: the commercial cell's support plane (`staff-commercial`) with a group of
 * support agents and one agent, Grace Hopper, who has no credential yet: her enrollment link is printed.
 */
export async function bootstrapSupportPlane(db: Db, clock: Clock, config: Config): Promise<DemoSupportPlane | undefined> {
  if (!config.bootstrap.seedDemo) return undefined;
  const plane = await createSupportPlane(db, clock, { cell: 'commercial', adminEmail: `it@staff-commercial.${config.baseDomain.replace(/:\d+$/, '')}` });
  const ctx = operatorServiceContext(db, clock, plane.tenant.id, `seed-${plane.tenant.id}`);
  const agents = await createGroup(ctx, { name: 'Support agents', description: 'Work the queue and answer customers (staff role AGENT)' });
  const agentLogin = `grace.hopper@staff-commercial.${config.baseDomain.replace(/:\d+$/, '')}`;
  const agent = await createUser(ctx, { profile: { login: agentLogin, email: agentLogin, firstName: 'Grace', lastName: 'Hopper' }, activate: true, expirePassword: false, groupIds: [agents.id] });
  return { plane, agentId: agent.id, agentLogin };
}
