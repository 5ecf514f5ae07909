/**
 * A cell's support plane with one agent signed in to the Help Center, made through the services as the Help
 * Center would make them, for the benchmarks of support access (grant-check, live-view). `signIn` makes any
 * other Help Center user of the cell (a tenant's customer who opens a case).
 */
import type { Db } from '../../src/db/database.ts';
import { currentHelpCenterSession, startHelpCenterSession, type Identity } from '../../src/helpcenter/sessions.ts';
import type { Clock } from '../../src/lib/clock.ts';
import { createSupportPlane, operatorContext, operatorServiceContext } from '../../src/tenants/service.ts';
import { createUser } from '../../src/users/service.ts';

export const BENCH_CELL = 'commercial';
const LIFETIMES = { idleMinutes: 30, maxHours: 12, staffIdleMinutes: 15 };
const NO_NETWORK = { ip: null, asn: null, asOrg: null, country: null };
const AGENT_EMAIL = 'agent@staff.bench.example.com';

export async function benchSupportStaff(db: Db, clock: Clock, name: string) {
  const audit = () => operatorContext(name);
  const plane = await createSupportPlane(db, clock, { cell: BENCH_CELL, adminEmail: 'it@staff.bench.example.com' });
  const staffUser = await createUser(operatorServiceContext(db, clock, plane.tenant.id, 'bench'), {
    profile: { login: AGENT_EMAIL, email: AGENT_EMAIL, firstName: 'Bench', lastName: 'Agent' }, password: 'Quartz-Lantern-Orbit-93', activate: true, expirePassword: false, groupIds: [],
  });
  const signIn = async (tenantId: string, identity: Omit<Identity, 'amr' | 'contact'>) => {
    const { token } = await startHelpCenterSession(db, clock, LIFETIMES, { cell: BENCH_CELL, tenantId, identity: { ...identity, amr: ['hwk'], contact: { username: null, timeZone: null, phone: null, address: null } }, network: NO_NETWORK, audit });
    const current = await currentHelpCenterSession(db, clock, LIFETIMES, BENCH_CELL, token);
    if (current.kind !== 'live') throw new Error('no Help Center session');
    return current.user;
  };
  const agent = await signIn(plane.tenant.id, { subject: staffUser.id, name: 'Bench Agent', email: AGENT_EMAIL, adminRoles: [], staffRoles: ['AGENT'] });
  return { plane, audit, signIn, staff: { db, clock, cell: BENCH_CELL, planeId: plane.tenant.id, user: agent, audit } };
}
