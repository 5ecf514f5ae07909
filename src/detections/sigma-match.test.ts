import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSigmaRule } from './sigma-load.ts';
import { sigmaRuleSet } from './sigma-match.ts';

function rule(detection: string, extra: string) {
  const result = parseSigmaRule(`title: t\n${extra}logsource: {product: okta}\ndetection:\n${detection}`, 'r.yml');
  assert.ok(result.ok, result.ok ? '' : result.unsupported.reason);
  return result.rule;
}

describe('a rule set', () => {
  const rules = [
    rule('    s: {eventType: user.session.start, securityContext.isProxy: true}\n    condition: s\n', 'id: proxy\nlevel: high\n'),
    rule('    s: {displayMessage|contains: unauthorized}\n    condition: s\n', 'id: any-type\nlevel: medium\n'),
    rule('    s: {eventType: user.session.start}\n    condition: s\n', 'id: session\n'),
  ];
  const set = sigmaRuleSet(rules);

  it('returns a match per rule and event, in event then rule order, with the event uuid', () => {
    const events = [
      { uuid: 'e1', eventType: 'user.session.start', securityContext: { isProxy: true }, displayMessage: 'User attempted unauthorized access to app' },
      { uuid: 'e2', eventType: 'user.session.end' },
      { eventType: 'app.generic.unauth_app_access_attempt', displayMessage: 'unauthorized' },
    ];
    assert.deepEqual(set.matchAll(events), [
      { ruleId: 'proxy', title: 't', level: 'high', eventUuid: 'e1' },
      { ruleId: 'any-type', title: 't', level: 'medium', eventUuid: 'e1' },
      { ruleId: 'session', title: 't', level: null, eventUuid: 'e1' },
      { ruleId: 'any-type', title: 't', level: 'medium', eventUuid: null },
    ]);
  });

  it('finds the event type case-insensitively, in spelling and in key', () => {
    assert.deepEqual(set.rulesFor({ eventType: 'USER.SESSION.START' }).map((r) => r.id), ['session']);
    assert.deepEqual(set.rulesFor({ eventtype: 'user.session.start' }).map((r) => r.id), ['session']);
  });

  it('lets every rule judge an event whose type is not a string', () => {
    assert.deepEqual(set.rulesFor({ eventType: ['user.session.start'] }).map((r) => r.id), ['session']);
    assert.deepEqual(set.rulesFor({ displayMessage: 'unauthorized' }).map((r) => r.id), ['any-type']);
  });

  it('matches nothing with no rules', () => {
    assert.deepEqual(sigmaRuleSet([]).matchAll([{ eventType: 'x' }]), []);
  });
});
