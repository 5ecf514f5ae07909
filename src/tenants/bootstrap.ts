import type { Config } from '#src/config.ts';
import type { Db } from '#src/db/database.ts';
import { createGroup } from '#src/groups/service.ts';
import type { Clock } from '#src/lib/clock.ts';
import { createUser } from '#src/users/service.ts';
import { DEMO_GROUPS, demoUsers } from './demo-data.ts';
import { createTenant, listTenants, operatorServiceContext, type CreatedTenant } from './service.ts';

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
