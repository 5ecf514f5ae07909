/**
 * Remediation plans (docs/remediation.md) for the route matrices: planned, and approved when asked, by the
 * operator (SystemPrincipal), so that any of the tenant's super admins may approve or apply them (nobody
 * approves their own plan). They select nobody, so applying one is quick and touches no user.
 */
import { systemClock } from '../../src/lib/clock.ts';
import { approveRemediation, planRemediation } from '../../src/remediation/service.ts';
import { operatorServiceContext } from '../../src/tenants/service.ts';
import { unique, type Fixture } from './fixtures.ts';

/** A plan's body whose criteria select nobody: sign-ins from TEST-NET-1 (RFC 5737), where no test client is. */
export function quietPlanBody(): { name: string; criteria: { window: { since: string }; signedInFrom: { ips: string[] } }; actions: ['CLEAR_SESSIONS'] } {
  return { name: unique('Quiet plan'), criteria: { window: { since: new Date(Date.now() - 3_600_000).toISOString() }, signedInFrom: { ips: ['192.0.2.1'] } }, actions: ['CLEAR_SESSIONS'] };
}

/** A new plan of the operator's, PLANNED, or APPROVED by the operator. */
export async function newRemediation(f: Fixture, state: 'PLANNED' | 'APPROVED' = 'PLANNED'): Promise<string> {
  const ctx = operatorServiceContext(f.db, systemClock, f.tenantId, unique('test-remediation'));
  const { remediation } = await planRemediation(ctx, quietPlanBody());
  if (state === 'APPROVED') await approveRemediation(ctx, remediation.id);
  return remediation.id;
}
