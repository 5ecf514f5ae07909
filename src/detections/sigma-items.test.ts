import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSigmaRule, type SigmaRule } from './sigma-load.ts';
import type { Placeholders } from './sigma-items.ts';

/** A rule whose one search identifier `selection` is the given YAML (written as in a rule file). */
function ruleText(selection: string): string {
  const body = selection.trim().split('\n').map((line) => `        ${line}`).join('\n');
  return `title: test rule\nlogsource:\n    product: okta\ndetection:\n    selection:\n${body}\n    condition: selection\n`;
}

function compile(selection: string, placeholders: Placeholders = {}): SigmaRule {
  const result = parseSigmaRule(ruleText(selection), 'test.yml', { placeholders });
  assert.ok(result.ok, result.ok ? '' : result.unsupported.reason);
  return result.rule;
}

function refusal(selection: string, placeholders: Placeholders = {}): string {
  const result = parseSigmaRule(ruleText(selection), 'test.yml', { placeholders });
  assert.ok(!result.ok, 'the rule compiled');
  return result.unsupported.reason;
}

/** Which of `values` of the field `displayMessage` the selection matches. */
function matching(selection: string, values: unknown[], placeholders: Placeholders = {}): unknown[] {
  const rule = compile(selection, placeholders);
  return values.filter((v) => rule.matches({ displayMessage: v }));
}

describe('plain values', () => {
  it('match the whole field, case-insensitively', () => {
    assert.deepEqual(matching("displayMessage: 'Max sign in attempts exceeded'",
      ['Max sign in attempts exceeded', 'MAX SIGN IN ATTEMPTS EXCEEDED', 'max sign in attempts exceeded', 'Max sign in attempts exceeded.', 'x Max sign in attempts exceeded', '']),
    ['Max sign in attempts exceeded', 'MAX SIGN IN ATTEMPTS EXCEEDED', 'max sign in attempts exceeded']);
  });

  it('match case-sensitively with cased', () => {
    assert.deepEqual(matching("displayMessage|cased: 'User Login'", ['User Login', 'user login', 'USER LOGIN']), ['User Login']);
    assert.deepEqual(matching("displayMessage|cased|contains: 'Login'", ['User Login', 'user login']), ['User Login']);
  });

  it('or-link a list of values', () => {
    assert.deepEqual(matching('displayMessage:\n    - alpha\n    - beta', ['alpha', 'BETA', 'gamma']), ['alpha', 'BETA']);
  });

  it("match an empty string only with ''", () => {
    assert.deepEqual(matching("displayMessage: ''", ['', ' ', 'a', null]), ['']);
    assert.equal(compile("displayMessage: ''").matches({}), false);
  });

  it('compare numbers and booleans by their text, on either side', () => {
    const asn = compile('securityContext.asNumber: 64496');
    assert.equal(asn.matches({ securityContext: { asNumber: 64496 } }), true);
    assert.equal(asn.matches({ securityContext: { asNumber: '64496' } }), true);
    assert.equal(asn.matches({ securityContext: { asNumber: 64497 } }), false);
    const quoted = compile("securityContext.isProxy: 'true'");
    const bare = compile('securityContext.isProxy: true');
    for (const rule of [quoted, bare]) {
      assert.equal(rule.matches({ securityContext: { isProxy: true } }), true);
      assert.equal(rule.matches({ securityContext: { isProxy: 'True' } }), true);
      assert.equal(rule.matches({ securityContext: { isProxy: false } }), false);
      assert.equal(rule.matches({ securityContext: { isProxy: null } }), false);
      assert.equal(rule.matches({ securityContext: {} }), false);
    }
  });

  it('never match an object or a missing field', () => {
    const rule = compile("debugContext.debugData.logOnlySecurityData|contains: 'POSITIVE'");
    assert.equal(rule.matches({ debugContext: { debugData: { logOnlySecurityData: '{"behaviors":{"New IP":"POSITIVE"}}' } } }), true);
    assert.equal(rule.matches({ debugContext: { debugData: { logOnlySecurityData: { behaviors: { 'New IP': 'POSITIVE' } } } } }), false);
    assert.equal(rule.matches({ debugContext: { debugData: {} } }), false);
    assert.equal(rule.matches({ debugContext: null }), false);
  });
});

describe('wildcards and escapes', () => {
  it('read * as any run of characters and ? as exactly one', () => {
    assert.deepEqual(matching("displayMessage: 'User * app'", ['User attempted unauthorized access to app', 'user  app', 'User app', 'User x apps']),
      ['User attempted unauthorized access to app', 'user  app']);
    assert.deepEqual(matching("displayMessage: 'zone.?elete'", ['zone.delete', 'zone.Delete', 'zone.elete', 'zone.ddelete']), ['zone.delete', 'zone.Delete']);
    assert.deepEqual(matching("displayMessage: 'a*b?c'", ['abxc', 'a123b4c', 'abc', 'a\nb\nc']), ['abxc', 'a123b4c', 'a\nb\nc']);
    assert.deepEqual(matching("displayMessage: '*'", ['', 'anything', 42, null]), ['', 'anything', 42]);
  });

  it('take ? as one character, not one UTF-16 unit', () => {
    assert.deepEqual(matching("displayMessage: 'x?y*'", ['x😀y', 'x😀😀y']), ['x😀y']);
  });

  it('treat escaped wildcards and backslashes as plain characters', () => {
    assert.deepEqual(matching("displayMessage: 'a\\*b'", ['a*b', 'axb', 'a\\*b']), ['a*b']);
    assert.deepEqual(matching("displayMessage: 'what\\?'", ['what?', 'whatx']), ['what?']);
    // A backslash before a wildcard, itself escaped: a plain backslash, then the wildcard.
    assert.deepEqual(matching("displayMessage: 'C:\\\\*'", ['C:\\Windows', 'C:\\', 'C:Windows']), ['C:\\Windows', 'C:\\']);
    // A backslash before anything else is a plain backslash, single or doubled.
    assert.deepEqual(matching("displayMessage: 'C:\\Windows'", ['C:\\Windows', 'C:Windows']), ['C:\\Windows']);
    assert.deepEqual(matching("displayMessage: 'C:\\\\Windows'", ['C:\\Windows']), ['C:\\Windows']);
  });

  it('keep regular-expression characters plain', () => {
    assert.deepEqual(matching("displayMessage: 'a.b(c)[d]+$'", ['a.b(c)[d]+$', 'axb(c)[d]+$']), ['a.b(c)[d]+$']);
    assert.deepEqual(matching("displayMessage: '*.b(c)*'", ['a.b(c)d', 'axb(c)d']), ['a.b(c)d']);
  });
});

describe('contains, startswith, endswith and all', () => {
  it('contains matches anywhere, case-insensitively', () => {
    assert.deepEqual(matching("displayMessage|contains: 'Admin'", ['/admin/users', 'ADMIN', 'adm in']), ['/admin/users', 'ADMIN']);
  });

  it('startswith and endswith anchor one end', () => {
    assert.deepEqual(matching("displayMessage|startswith: '/api/'", ['/api/v1/users', '/API/', 'x/api/']), ['/api/v1/users', '/API/']);
    assert.deepEqual(matching("displayMessage|endswith: '.exe'", ['cmd.exe', 'CMD.EXE', 'cmd.exe.txt']), ['cmd.exe', 'CMD.EXE']);
  });

  it('keep wildcards inside the value', () => {
    assert.deepEqual(matching("displayMessage|contains: 'grant*user'", ['x grant to user y', 'user grant']), ['x grant to user y']);
    assert.deepEqual(matching("displayMessage|startswith: 'a?c'", ['abcd', 'acd']), ['abcd']);
  });

  it('all requires every value of the list', () => {
    const selection = 'displayMessage|contains|all:\n    - impersonation\n    - grant';
    assert.deepEqual(matching(selection, ['Enable impersonation grant', 'impersonation ended', 'grant role']), ['Enable impersonation grant']);
  });

  it('all is refused on a single value, and shapes are not combined', () => {
    assert.equal(refusal("displayMessage|contains|all: 'x'"), "search identifier 'selection': 'displayMessage|contains|all': 'all' needs a list of at least two values");
    assert.equal(refusal("displayMessage|contains|startswith: 'x'"), "search identifier 'selection': 'displayMessage|contains|startswith': contains and startswith cannot be combined");
  });
});

describe('regular expressions', () => {
  const alternateId = "displayMessage|re: '(^0oa.*|[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,10})'";

  it('search anywhere in the text, case-sensitively by default', () => {
    assert.deepEqual(matching(alternateId, ['0oa1b2c3', 'jane@acme.example', 'Spr1ng-2026!x', '0OA1b2', 'admin']), ['0oa1b2c3', 'jane@acme.example']);
    assert.deepEqual(matching("displayMessage|re: 'Login'", ['User Login to Okta', 'user login']), ['User Login to Okta']);
  });

  it('take the i, m and s flags', () => {
    assert.deepEqual(matching("displayMessage|re|i: '^user login'", ['User Login to Okta', 'x user login']), ['User Login to Okta']);
    assert.deepEqual(matching("displayMessage|re: '^second'", ['first\nsecond']), []);
    assert.deepEqual(matching("displayMessage|re|m: '^second'", ['first\nsecond']), ['first\nsecond']);
    assert.deepEqual(matching("displayMessage|re: 'a.b'", ['a\nb']), []);
    assert.deepEqual(matching("displayMessage|re|s: 'a.b'", ['a\nb']), ['a\nb']);
  });

  it('test numbers and booleans by their text', () => {
    assert.deepEqual(matching("displayMessage|re: '^6449[0-9]$'", [64496, '64496', 6449]), [64496, '64496']);
  });

  it('refuse what JavaScript cannot read as PCRE does', () => {
    assert.match(refusal("displayMessage|re: '(?i)admin'"), /regular expression '\(\?i\)admin' is not valid in JavaScript/);
    assert.match(refusal("displayMessage|re: '\\Aadmin\\Z'"), /uses \\A, which JavaScript reads differently from PCRE/);
    assert.match(refusal("displayMessage|re: 'a++'"), /is not valid in JavaScript/);
    assert.equal(refusal("displayMessage|i: 'x'"), "search identifier 'selection': 'displayMessage|i': the regular-expression flags i need 're'");
    assert.equal(refusal("displayMessage|re|contains: 'x'"), "search identifier 'selection': 'displayMessage|re|contains': 're' takes only the i, m and s flags and 'all'");
    assert.equal(refusal('displayMessage|re: 5'), "search identifier 'selection': 'displayMessage|re': 're' needs string values");
  });
});

describe('cidr', () => {
  it('matches addresses inside IPv4 and IPv6 networks, any listed one', () => {
    const rule = compile("client.ipAddress|cidr:\n    - '10.0.0.0/8'\n    - '2001:db8::/32'\n    - '192.0.2.7'");
    const at = (ip: unknown) => rule.matches({ client: { ipAddress: ip } });
    assert.equal(at('10.1.2.3'), true);
    assert.equal(at('11.0.0.1'), false);
    assert.equal(at('2001:db8:1::5'), true);
    assert.equal(at('2001:db9::1'), false);
    assert.equal(at('192.0.2.7'), true);
    assert.equal(at('192.0.2.8'), false);
    assert.equal(at('not an address'), false);
    assert.equal(at(null), false);
  });

  it('refuses what is not a network', () => {
    assert.match(refusal("client.ipAddress|cidr: '10.0.0.0/33'"), /'10\.0\.0\.0\/33' is not a CIDR network/);
    assert.match(refusal("client.ipAddress|cidr: 'example.com/8'"), /is not a CIDR network/);
    assert.match(refusal("client.ipAddress|cidr|contains: '10.0.0.0/8'"), /'cidr' takes no other modifier but 'all'/);
  });
});

describe('null and exists', () => {
  it('null matches a missing field or a null one, nothing else', () => {
    const rule = compile('outcome.reason: null');
    assert.equal(rule.matches({ outcome: { result: 'SUCCESS' } }), true);
    assert.equal(rule.matches({ outcome: { reason: null } }), true);
    assert.equal(rule.matches({}), true);
    assert.equal(rule.matches({ outcome: { reason: '' } }), false);
    assert.equal(rule.matches({ outcome: { reason: 'LOCKED_OUT' } }), false);
  });

  it('null in a list is one more alternative', () => {
    const rule = compile('outcome.reason:\n    - null\n    - LOCKED_OUT');
    assert.equal(rule.matches({ outcome: {} }), true);
    assert.equal(rule.matches({ outcome: { reason: 'locked_out' } }), true);
    assert.equal(rule.matches({ outcome: { reason: 'VERIFICATION_ERROR' } }), false);
  });

  it('exists tells present from missing, a null value being present', () => {
    const present = compile('securityContext.isProxy|exists: true');
    const absent = compile('securityContext.isProxy|exists: false');
    for (const [event, has] of [[{ securityContext: { isProxy: false } }, true], [{ securityContext: { isProxy: null } }, true], [{ securityContext: {} }, false], [{}, false]] as const) {
      assert.equal(present.matches(event), has);
      assert.equal(absent.matches(event), !has);
    }
  });

  it('exists takes a boolean and no other modifier; null takes no modifier', () => {
    assert.match(refusal("securityContext.isProxy|exists: 'yes'"), /'exists' takes true or false and no other modifier/);
    assert.match(refusal('outcome.reason|contains: null'), /null cannot take the modifiers contains/);
  });
});

describe('field paths', () => {
  it('find fields case-insensitively along the dotted path', () => {
    const event = { eventType: 'user.session.start', securityContext: { isProxy: true }, debugContext: { debugData: { requestUri: '/admin/users' } } };
    assert.equal(compile("eventtype: 'user.session.start'").matches(event), true);
    assert.equal(compile("securitycontext.isproxy: 'true'").matches(event), true);
    assert.equal(compile("DEBUGCONTEXT.DebugData.REQUESTURI|contains: admin").matches(event), true);
    // Events whose keys an import lower-cased.
    assert.equal(compile("debugContext.debugData.requestUri|contains: admin").matches({ debugcontext: { debugdata: { requesturi: '/admin' } } }), true);
  });

  it('match a field under an array when any element matches', () => {
    const rule = compile("target.displayName: 'Okta Admin Console'");
    const target = (...names: (string | null)[]) => ({ target: names.map((displayName) => ({ type: 'AppInstance', displayName })) });
    assert.equal(rule.matches(target('Peter Griffin', 'Okta Admin Console')), true);
    assert.equal(rule.matches(target('Peter Griffin')), false);
    assert.equal(rule.matches({ target: [] }), false);
    assert.equal(rule.matches({ target: null }), false);
  });

  it('match an array value when any element matches', () => {
    const rule = compile("debugContext.debugData.behaviors|contains: 'POSITIVE'");
    assert.equal(rule.matches({ debugContext: { debugData: { behaviors: ['New IP=NEGATIVE', 'New Device=POSITIVE'] } } }), true);
    assert.equal(rule.matches({ debugContext: { debugData: { behaviors: ['New IP=NEGATIVE'] } } }), false);
  });

  it('let all be met by different elements, and null by no non-null element', () => {
    const all = compile('target.displayName|all:\n    - Sam Ops\n    - Salesforce');
    assert.equal(all.matches({ target: [{ displayName: 'Sam Ops' }, { displayName: 'Salesforce' }] }), true);
    assert.equal(all.matches({ target: [{ displayName: 'Sam Ops' }] }), false);
    const none = compile('target.alternateId: null');
    assert.equal(none.matches({ target: [{ alternateId: null }, { id: 'x' }] }), true);
    assert.equal(none.matches({ target: [{ alternateId: null }, { alternateId: 'a@b' }] }), false);
    assert.equal(none.matches({ target: [] }), true);
  });

  it('never read what objects inherit', () => {
    assert.equal(compile('constructor|exists: true').matches({}), false);
    assert.equal(compile('actor.toString|exists: true').matches({ actor: {} }), false);
    assert.equal(compile('constructor: x').matches({ constructor: 'x' }), true);
  });

  it('refuses an empty path segment', () => {
    assert.equal(refusal("debugContext..requestUri: x"), "search identifier 'selection': 'debugContext..requestUri' is not a field path");
  });
});

describe('placeholders (expand)', () => {
  const selection = "actor.alternateId|contains|expand: '%trusted%'";

  it('or-link the configured values, each with the modifiers applied', () => {
    const rule = compile(selection, { trusted: ['@acme.example', '@partner.example'] });
    const by = (alternateId: string) => rule.matches({ actor: { alternateId } });
    assert.equal(by('jane@ACME.example'), true);
    assert.equal(by('sam@partner.example.org'), true);
    assert.equal(by('mallory@evil.example'), false);
  });

  it('read wildcards in the configured values, and text around the placeholder', () => {
    const rule = compile("actor.alternateId|expand: 'svc_%team%@*'", { team: ['net*', 'backup'] });
    assert.equal(rule.matches({ actor: { alternateId: 'svc_network@acme.example' } }), true);
    assert.equal(rule.matches({ actor: { alternateId: 'svc_backup@acme.example' } }), true);
    assert.equal(rule.matches({ actor: { alternateId: 'svc_db@acme.example' } }), false);
  });

  it('match nothing when configured with no values', () => {
    assert.equal(compile(selection, { trusted: [] }).matches({ actor: { alternateId: 'anyone@anywhere' } }), false);
  });

  it('leave %name% literal without expand, and \\% literal with it', () => {
    assert.equal(compile("actor.alternateId: '%trusted%'").matches({ actor: { alternateId: '%TRUSTED%' } }), true);
    assert.equal(compile("actor.alternateId|expand: '100\\%'").matches({ actor: { alternateId: '100%' } }), true);
  });

  it('refuse the rule when a placeholder has no configured values', () => {
    assert.equal(refusal(selection, { other: ['x'] }), "search identifier 'selection': 'actor.alternateId|contains|expand': placeholder %trusted% has no configured values");
  });
});

describe('modifiers the evaluator does not implement', () => {
  it('refuses them by name, apart from words that are not Sigma modifiers', () => {
    assert.equal(refusal("displayMessage|base64offset|contains: 'x'"), "search identifier 'selection': 'displayMessage|base64offset|contains': the 'base64offset' modifier is not supported by this evaluator");
    assert.equal(refusal("displayMessage|windash: 'x'"), "search identifier 'selection': 'displayMessage|windash': the 'windash' modifier is not supported by this evaluator");
    assert.equal(refusal("displayMessage|gte: 5"), "search identifier 'selection': 'displayMessage|gte': the 'gte' modifier is not supported by this evaluator");
    assert.equal(refusal("displayMessage|contain: 'x'"), "search identifier 'selection': 'displayMessage|contain': 'contain' is not a Sigma modifier");
  });
});
