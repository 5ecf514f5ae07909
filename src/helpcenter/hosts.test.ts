import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSecretBox } from '#src/lib/secret-box.ts';
import { cellOfHelpCenterHost, helpCenterLabel, helpCenterOriginFor, tenantOriginFor } from './hosts.ts';
import { openLoginState, sealLoginState, type LoginState } from './login-state.ts';

describe('Help Center hosts', () => {
  it('names one host per cell, and reads the cell back from it', () => {
    assert.equal(helpCenterLabel('commercial'), 'support');
    assert.equal(helpCenterLabel('high-assurance'), 'support-high-assurance');
    assert.equal(cellOfHelpCenterHost('support'), 'commercial');
    assert.equal(cellOfHelpCenterHost('Support.example.com'), 'commercial');
    assert.equal(cellOfHelpCenterHost('support-high-assurance'), 'high-assurance');
    for (const other of ['support-commercial', 'supports', 'demo', 'support-', 'support-9x', 'xsupport', '', undefined]) {
      assert.equal(cellOfHelpCenterHost(other), undefined, String(other));
    }
  });

  it("maps a tenant's issuer to its cell's Help Center and back, keeping scheme, domain and port", () => {
    assert.equal(helpCenterOriginFor('http://demo.localhost:8080', 'commercial'), 'http://support.localhost:8080');
    assert.equal(helpCenterOriginFor('https://fed.example.com', 'high-assurance'), 'https://support-high-assurance.example.com');
    assert.equal(tenantOriginFor('http://support.localhost:8080', 'demo'), 'http://demo.localhost:8080');
  });
});

describe('Help Center sign-in state', () => {
  const box = createSecretBox(randomBytes(32));
  const state: LoginState = { state: 's', nonce: 'n', verifier: 'v', cell: 'commercial', tenantId: '00o1', slug: 'demo', issuer: 'http://demo.localhost', started: 1_000_000 };

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
