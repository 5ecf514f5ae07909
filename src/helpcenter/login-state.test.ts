import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSecretBox } from '#src/lib/secret-box.ts';
import { openLoginState, sealLoginState, type LoginState } from './login-state.ts';

describe('Help Center sign-in state', () => {
  const box = createSecretBox(randomBytes(32));
  const state: LoginState = { state: 's', nonce: 'n', verifier: 'v', cell: 'commercial', tenantId: '00o1', slug: 'demo', issuer: 'http://demo.localhost', kind: 'customer' as const, started: 1_000_000 };

  it('opens for its own cell within ten minutes only', () => {
    const sealed = sealLoginState(box, state);
    assert.deepEqual(openLoginState(box, sealed, 'commercial', state.started + 60_000), state);
    assert.equal(openLoginState(box, sealed, 'commercial', state.started + 10 * 60_000), undefined, 'expired');
    assert.equal(openLoginState(box, sealed, 'high-assurance', state.started), undefined, 'another cell');
    assert.equal(openLoginState(box, sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA'), 'commercial', state.started), undefined, 'tampered');
    assert.equal(openLoginState(createSecretBox(randomBytes(32)), sealed, 'commercial', state.started), undefined, 'another installation');
    assert.equal(openLoginState(box, undefined, 'commercial', state.started), undefined);
  });
});
