/**
 * A hand-built TenantImpact for the report tests: a hijacked support agent, agent7@support.bulwark.example,
 * resetting passwords and factors of users of tenant `acme` from one network, as in the 2022 incident.
 */
import type { ImpactAction, TenantImpact } from '../../src/forensics/impact.ts';

export const AGENT = { id: 'stf_agent7', type: 'SupportStaff', alternateId: 'agent7@support.bulwark.example', displayName: 'Agent Seven' };

export const ALICE = { id: '00u_alice', type: 'User', alternateId: 'alice@acme.example', displayName: 'Alice Archer' };
export const BOB = { id: '00u_bob', type: 'User', alternateId: 'bob@acme.example', displayName: 'Bob Baker' };
export const CAROL = { id: '00u_carol', type: 'User', alternateId: 'carol@acme.example', displayName: 'Carol Chen' };

const CLIENT = { ipAddress: '203.0.113.77', asNumber: 64500, asOrg: 'Example Hosting Ltd', country: 'NL', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/97.0' };

let n = 0;

/** One action of the agent at `published`; uuids count up so tests can name them. */
export function action(published: string, eventType: string, targets: ImpactAction['targets'], over: Partial<ImpactAction> = {}): ImpactAction {
  n += 1;
  return {
    uuid: `9f1c0000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    published,
    eventType,
    displayMessage: null,
    outcome: { result: 'SUCCESS', reason: null },
    actor: AGENT,
    client: CLIENT,
    targets,
    sessionId: 'idx_rdp_session_1',
    ...over,
  };
}

export function acmeImpact(actions?: ImpactAction[]): TenantImpact {
  return {
    incident: {
      name: '2022 support account takeover',
      window: { since: '2022-01-16T00:00:00.000Z', until: '2022-01-21T00:00:00.000Z' },
      suspects: { logins: [AGENT.alternateId], ips: [CLIENT.ipAddress], asns: [64500] },
    },
    tenant: { id: 'ten_acme', name: 'Acme Corporation' },
    source: { kind: 'live', name: 'bulwark' },
    generatedAt: '2022-03-22T09:00:00.000Z',
    actions: actions ?? [
      action('2022-01-16T14:02:11.000Z', 'user.session.start', [], { displayMessage: 'User login to Okta' }),
      action('2022-01-16T14:05:40.000Z', 'user.account.reset_password', [ALICE], { displayMessage: 'Reset password' }),
      action('2022-01-16T14:06:02.000Z', 'user.mfa.factor.reset_all', [ALICE], { displayMessage: 'Reset all factors for user' }),
      action('2022-01-17T09:30:00.000Z', 'user.account.reset_password', [BOB], { displayMessage: 'Reset password' }),
      action('2022-01-17T09:31:15.000Z', 'user.session.clear', [BOB], { displayMessage: 'Clear user session' }),
      action('2022-01-18T11:00:00.000Z', 'user.mfa.factor.reset_all', [CAROL], { displayMessage: 'Reset all factors for user', outcome: { result: 'FAILURE', reason: 'INSUFFICIENT_PERMISSIONS' } }),
      action('2022-01-19T16:45:00.000Z', 'user.account.reset_password', [ALICE], { displayMessage: 'Reset password' }),
    ],
  };
}
