import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadSigmaRules, parseSigmaRule } from './sigma-load.ts';

const RULE = `title: Okta API Token Created
id: 19951c21-229d-4ccb-8774-b993c3ff3c5c
logsource:
    product: okta
    service: okta
detection:
    selection:
        eventType: system.api_token.create
    condition: selection
level: medium
`;

function reason(text: string): string {
  const result = parseSigmaRule(text, 'r.yml');
  assert.ok(!result.ok, 'the rule loaded');
  return result.unsupported.reason;
}

function rule(detection: string, extra = '') {
  const result = parseSigmaRule(`title: t\n${extra}logsource: {product: okta}\ndetection:\n${detection}`, 'r.yml');
  assert.ok(result.ok, result.ok ? '' : result.unsupported.reason);
  return result.rule;
}

describe('reading one rule', () => {
  it('keeps the id, title, level and file, and compiles the detection', () => {
    const result = parseSigmaRule(RULE, 'rules/okta_api_token_created.yml');
    assert.ok(result.ok);
    const { id, title, level, file, eventTypes } = result.rule;
    assert.deepEqual({ id, title, level, file, eventTypes: [...eventTypes ?? []] },
      { id: '19951c21-229d-4ccb-8774-b993c3ff3c5c', title: 'Okta API Token Created', level: 'medium', file: 'rules/okta_api_token_created.yml', eventTypes: ['system.api_token.create'] });
    assert.equal(result.rule.matches({ eventType: 'system.api_token.create' }), true);
  });

  it('names a rule without an id after its file, and one without a level has none', () => {
    const r = rule('    s: {eventType: x}\n    condition: s\n');
    assert.equal(r.id, 'r.yml');
    assert.equal(r.level, null);
  });

  it('lists rules for other products with the product named', () => {
    assert.equal(reason(RULE.replace('product: okta', 'product: windows')), "logsource.product is 'windows', not 'okta'");
    assert.equal(reason(RULE.replace('    product: okta\n', '')), 'logsource has no product, so the rule is not for Okta');
  });

  it('lists what is not a single valid Sigma rule', () => {
    assert.match(reason('title: [unclosed\n'), /^invalid YAML: /);
    assert.match(reason(`${RULE}title: again\n`), /^invalid YAML: Map keys must be unique/);
    assert.equal(reason(''), 'the file holds no YAML document');
    assert.equal(reason('- a\n- b\n'), 'the file is not a Sigma rule (its YAML is not a map)');
    assert.equal(reason(`${RULE}---\n${RULE}`), 'the file holds 2 YAML documents; multi-document rule collections are not supported');
    assert.equal(reason(RULE.replace('title: Okta API Token Created\n', '')), 'the rule has no title');
    assert.equal(reason(RULE.replace('level: medium', 'level: severe')), "level 'severe' is not a Sigma level");
    assert.equal(reason(RULE.replace(/logsource:\n.*\n.*\n/, '')), 'the rule has no logsource');
    assert.equal(reason(`${RULE}status: unsupported\n`), "status is 'unsupported': the rule's authors mark it unusable as it stands");
    assert.equal(reason('title: c\ncorrelation:\n    type: event_count\n    rules: [x]\n'), 'Sigma correlation rules are not supported');
    assert.equal(reason('title: f\nlogsource: {product: okta}\nfilter:\n    rules: [x]\n'), 'Sigma filters are not supported');
  });

  it('lists detections it cannot evaluate, each with its reason', () => {
    const detection = (body: string) => reason(`title: t\nlogsource: {product: okta}\ndetection:\n${body}`);
    assert.equal(detection('    keywords:\n        - mimikatz\n        - sekurlsa\n    condition: keywords\n'),
      "search identifier 'keywords' is a keyword search (values without a field), which is not supported");
    assert.equal(detection("    keywords:\n        '|all':\n            - a\n            - b\n    condition: keywords\n"),
      "search identifier 'keywords': '|all': keyword searches (values without a field) are not supported");
    assert.equal(detection('    s: {eventType: x}\n    timeframe: 5m\n    condition: s\n'), 'timeframe belongs to Sigma correlations, which are not supported');
    assert.equal(detection('    s: {eventType: x}\n    condition: s | count() > 5\n'),
      "condition 's | count() > 5': aggregation expressions (`| count() …`) are deprecated in favour of Sigma correlations, which are not supported");
    assert.equal(detection('    s: {eventType: x}\n    condition: s and filter\n'), "the condition names 'filter', which is not a search identifier");
    assert.equal(detection('    s: {eventType: x}\n    condition: s and not 1 of filter_*\n'), "'1 of filter_*' matches no search identifier");
    assert.equal(detection('    s: {eventType: x}\n'), 'detection.condition must be a string or a list of strings');
    assert.equal(detection('    s: {}\n    condition: s\n'), "search identifier 's' is empty");
    assert.equal(detection('    s: just text\n    condition: s\n'), "search identifier 's' is neither a map nor a list");
    assert.equal(detection('    s:\n        - {eventType: x}\n        - y\n    condition: s\n'), "search identifier 's' mixes maps and plain values");
    assert.equal(detection('    s:\n        eventType: {nested: map}\n    condition: s\n'),
      "search identifier 's': 'eventType' has a value that is neither a string, a number, a boolean nor null");
    assert.equal(detection('    s:\n        eventType: []\n    condition: s\n'), "search identifier 's': 'eventType' has an empty list of values");
  });

  it('checks search identifiers the condition does not use', () => {
    assert.match(reason('title: t\nlogsource: {product: okta}\ndetection:\n    s: {eventType: x}\n    unused: {a|base64: x}\n    condition: s\n'), /'base64' modifier is not supported/);
  });
});

describe('the event types a rule can fire on', () => {
  const types = (detection: string) => {
    const t = rule(detection).eventTypes;
    return t === null ? null : [...t].sort();
  };

  it('come from plain eventType values, lower-cased', () => {
    assert.deepEqual(types('    s:\n        eventType: [zone.delete, User.Authentication.Auth_via_IDP]\n    condition: s\n'), ['user.authentication.auth_via_idp', 'zone.delete']);
    assert.deepEqual(types('    s:\n        - {eventType: a, x: 1}\n        - {eventType: b}\n    condition: s\n'), ['a', 'b']);
  });

  it('follow the condition: and narrows, or widens, not leaves them open', () => {
    assert.deepEqual(types('    s: {eventType: [a, b]}\n    f: {eventType: b}\n    condition: s and f\n'), ['b']);
    assert.deepEqual(types('    s: {eventType: a}\n    f: {x: 1}\n    condition: s and not f\n'), ['a']);
    assert.deepEqual(types('    s: {eventType: a}\n    f: {eventType: b}\n    condition: s or f\n'), ['a', 'b']);
    assert.equal(types('    s: {eventType: a}\n    f: {x: 1}\n    condition: s or f\n'), null);
    assert.equal(types('    s: {eventType: a}\n    condition: not s\n'), null);
    assert.deepEqual(types('    s_1: {eventType: a}\n    s_2: {eventType: b}\n    condition: 1 of s_*\n'), ['a', 'b']);
  });

  it('stay open for anything but an or-list of literals', () => {
    assert.equal(types("    s: {eventType: 'user.*'}\n    condition: s\n"), null);
    assert.equal(types('    s: {eventType|contains: user}\n    condition: s\n'), null);
    assert.equal(types('    s: {eventType: [a, null]}\n    condition: s\n'), null);
    assert.equal(types('    s: {displayMessage: x}\n    condition: s\n'), null);
  });
});

describe('loading a directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sigma-load-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'a', 'b'), { recursive: true });
  writeFileSync(join(dir, 'a', 'b', 'token.yml'), RULE);
  writeFileSync(join(dir, 'a', 'copy.yaml'), RULE.replace('title: Okta API Token Created', 'title: Copy'));
  writeFileSync(join(dir, 'windows.yml'), RULE.replace('product: okta', 'product: windows'));
  writeFileSync(join(dir, 'README.md'), '# not a rule');

  it('reads every .yml and .yaml file below it, lists each it cannot use, and keeps the first of two ids', async () => {
    const { rules, unsupported } = await loadSigmaRules(dir);
    assert.deepEqual(rules.map((r) => r.file), ['a/b/token.yml']);
    assert.deepEqual(unsupported, [
      { file: 'a/copy.yaml', title: 'Copy', reason: 'id 19951c21-229d-4ccb-8774-b993c3ff3c5c is already used by a/b/token.yml' },
      { file: 'windows.yml', title: 'Okta API Token Created', reason: "logsource.product is 'windows', not 'okta'" },
    ]);
  });
});
