import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cellOfHelpCenterHost, helpCenterLabel, helpCenterOriginFor, tenantOriginFor } from './hosts.ts';

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
