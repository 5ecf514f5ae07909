import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acmeImpact, action, AGENT, ALICE, BOB, CAROL } from '../../test/support/impact-fixture.ts';
import { buildImpactReport, REPORT_SCHEMA } from './report-model.ts';

const KEY_ID = 'B0ALGsSICJs2fmdBw9HQhg';

describe('impact report model', () => {
  const report = buildImpactReport(acmeImpact(), KEY_ID);

  it('counts the actions by event type, in the order each first appears, with outcomes and first and last seen', () => {
    assert.deepEqual(report.summary.byEventType.map((c) => [c.eventType, c.count, c.firstSeen, c.lastSeen]), [
      ['user.session.start', 1, '2022-01-16T14:02:11.000Z', '2022-01-16T14:02:11.000Z'],
      ['user.account.reset_password', 3, '2022-01-16T14:05:40.000Z', '2022-01-19T16:45:00.000Z'],
      ['user.mfa.factor.reset_all', 2, '2022-01-16T14:06:02.000Z', '2022-01-18T11:00:00.000Z'],
      ['user.session.clear', 1, '2022-01-17T09:31:15.000Z', '2022-01-17T09:31:15.000Z'],
    ]);
    const factors = report.summary.byEventType.find((c) => c.eventType === 'user.mfa.factor.reset_all');
    assert.deepEqual(factors?.outcomes, [{ result: 'FAILURE', count: 1 }, { result: 'SUCCESS', count: 1 }]);
  });

  it('summarises the whole window: totals, outcomes, actors, networks and sessions', () => {
    const s = report.summary;
    assert.equal(s.actions, 7);
    assert.deepEqual(s.outcomes, [{ result: 'SUCCESS', count: 6 }, { result: 'FAILURE', count: 1 }]);
    assert.equal(s.firstSeen, '2022-01-16T14:02:11.000Z');
    assert.equal(s.lastSeen, '2022-01-19T16:45:00.000Z');
    assert.deepEqual(s.actors, [AGENT.alternateId]);
    assert.deepEqual(s.clients, [{ ipAddress: '203.0.113.77', asNumber: 64500, asOrg: 'Example Hosting Ltd', country: 'NL', actions: 7 }]);
    assert.equal(s.sessions, 1);
    assert.equal(s.affectedUsers, 3);
  });

  it('lists each affected user once, by login, with what was done to that user', () => {
    assert.deepEqual(report.affected.map((u) => [u.alternateId, u.actions]), [[ALICE.alternateId, 3], [BOB.alternateId, 2], [CAROL.alternateId, 1]]);
    const alice = report.affected[0];
    assert.deepEqual(alice?.changes.map((c) => [c.change, c.count, c.firstSeen, c.lastSeen]), [
      ["Password reset: the user's password was cleared and a reset link sent", 2, '2022-01-16T14:05:40.000Z', '2022-01-19T16:45:00.000Z'],
      ['All MFA factors removed', 1, '2022-01-16T14:06:02.000Z', '2022-01-16T14:06:02.000Z'],
    ]);
    assert.deepEqual(report.affected[2]?.changes[0]?.outcomes, [{ result: 'FAILURE', count: 1 }]);
  });

  it('describes each change in words, and falls back to the event\'s displayMessage for types it does not know', () => {
    const impact = acmeImpact([
      action('2022-01-16T10:00:00Z', 'user.session.clear', [BOB]),
      action('2022-01-16T10:01:00Z', 'app.oauth2.as.consent.grant', [ALICE], { displayMessage: 'User granted consent to app' }),
      action('2022-01-16T10:02:00Z', 'constructor', [ALICE], { displayMessage: 'Odd event' }),
      action('2022-01-16T10:03:00Z', 'vendor.custom', [ALICE]),
    ]);
    assert.deepEqual(buildImpactReport(impact, KEY_ID).actions.map((a) => a.change), ['All sessions ended', 'User granted consent to app', 'Odd event', 'vendor.custom']);
  });

  it('puts the actions in time order whatever order they came in, so the same events give the same report', () => {
    const impact = acmeImpact();
    const shuffled = { ...impact, actions: [...impact.actions].reverse() };
    assert.equal(JSON.stringify(buildImpactReport(shuffled, KEY_ID)), JSON.stringify(buildImpactReport(impact, KEY_ID)));
    assert.deepEqual(Object.keys(report), ['schema', 'generatedAt', 'signingKeyId', 'source', 'incident', 'tenant', 'summary', 'affected', 'actions']);
    assert.equal(report.schema, REPORT_SCHEMA);
  });

  it('keeps only the fields of the report, not what else the engine put on its objects', () => {
    const impact = acmeImpact([{ ...action('2022-01-16T10:00:00Z', 'user.session.clear', [{ ...BOB, secret: 'x' } as typeof BOB]), debug: 'y' } as ReturnType<typeof action>]);
    const text = JSON.stringify(buildImpactReport(impact, KEY_ID));
    assert.doesNotMatch(text, /secret|debug/);
  });

  it('does not count a suspect acting on its own account as an affected user', () => {
    const self = { id: AGENT.id, type: 'User', alternateId: AGENT.alternateId, displayName: AGENT.displayName };
    const impact = acmeImpact([
      action('2022-01-16T10:00:00Z', 'user.account.update_password', [self]),
      action('2022-01-16T10:05:00Z', 'user.account.reset_password', [ALICE, ALICE, { id: 'grp1', type: 'UserGroup', alternateId: 'Staff', displayName: 'Staff' }]),
    ]);
    const r = buildImpactReport(impact, KEY_ID);
    assert.deepEqual(r.affected.map((u) => [u.alternateId, u.actions]), [[ALICE.alternateId, 1]]);
  });

  it('builds a report of no actions: zero counts, no affected users, no first or last seen', () => {
    const r = buildImpactReport(acmeImpact([]), KEY_ID);
    assert.equal(r.summary.actions, 0);
    assert.equal(r.summary.firstSeen, null);
    assert.equal(r.summary.lastSeen, null);
    assert.deepEqual(r.summary.byEventType, []);
    assert.deepEqual(r.affected, []);
    assert.deepEqual(r.actions, []);
  });
});
