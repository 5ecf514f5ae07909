import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { jsonMayHoldSecrets } from './json-gate.ts';
import { scrubJson } from './json-scrub.ts';
import { Redactions } from './redactions.ts';

const NAMES = ['password', 'passwordChanged', 'code', 'state', 'client_id', 'token', 'tokenType', 'name', 'key', 'value', 'status', 'url', 'api.key',
  'sessionId', 'credentials', 'provider', 'request', 'response', 'startedDateTime', 'cookies', 'recovery_question', 'answer', 'id'];
const VALUES = ['ACTIVE', 'Jane', 'E0000011', 'password', 'client_secret', 'https://x.example/cb?code=abc123def', 'jane@example.com',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', 'Bearer abcdef0123456789XYZ', 'https://u:p4ss@h.example/', 'see /reset-password/abcdefghijklmnop12',
  'password=hunter2', 'x', ''];

const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.constantFrom(...VALUES), fc.integer(), fc.boolean(), fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.constantFrom(...NAMES), tie('value'), { maxKeys: 4 })),
})).value;

/** Whether the JSON scrubber would change anything in the document. */
function scrubberActs(doc: unknown): boolean {
  const r = new Redactions();
  scrubJson(structuredClone(doc), r);
  return r.replaced > 0;
}

describe('the JSON gate', () => {
  it('never waves through JSON that the scrubber would change, as written or JSON-escaped', () => {
    fc.assert(fc.property(json, (doc) => {
      const text = JSON.stringify(doc);
      if (scrubberActs(doc)) {
        assert.ok(jsonMayHoldSecrets(text), text);
        assert.ok(jsonMayHoldSecrets(JSON.stringify(text).slice(1, -1)), text);
      }
    }), { numRuns: 3000 });
  });

  it('lets an identity API response with only harmless names through unread', () => {
    const users = [{ id: '00u1', status: 'ACTIVE', passwordChanged: '2026-01-02T03:04:05.000Z', credentials: { provider: { type: 'OKTA', name: 'OKTA' } },
      profile: { login: 'jane@example.com', email: 'jane@example.com' }, _links: { self: { href: 'https://acme.example/api/v1/users/00u1' } } }];
    assert.equal(jsonMayHoldSecrets(JSON.stringify(users)), false);
    assert.equal(scrubberActs(users), false);
  });
});
