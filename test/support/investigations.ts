/**
 * Saved investigations (docs/forensics.md) for the route matrices: made by the operator over the last hour,
 * with a suspect address from TEST-NET-1 (RFC 5737) that no test client uses, so they find nothing and answer fast.
 */
import { systemClock } from '../../src/lib/clock.ts';
import { createInvestigation } from '../../src/forensics/investigations.ts';
import { operatorServiceContext } from '../../src/tenants/service.ts';
import { unique, type Fixture } from './fixtures.ts';

export function investigationBody(): { name: string; window: { since: string; until: string }; suspects: { ips: string[] } } {
  const now = Date.now();
  return { name: unique('Investigation'), window: { since: new Date(now - 3_600_000).toISOString(), until: new Date(now + 3_600_000).toISOString() }, suspects: { ips: ['192.0.2.1'] } };
}

export async function newInvestigation(f: Fixture): Promise<string> {
  const ctx = operatorServiceContext(f.db, systemClock, f.tenantId, unique('test-investigation'));
  return (await createInvestigation(ctx, investigationBody(), 'Operator')).id;
}
