import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../../test/support/browser.ts';
import { acmeImpact, action, AGENT, ALICE } from '../../test/support/impact-fixture.ts';
import { reportHtml } from './report-html.ts';
import { buildImpactReport } from './report-model.ts';

const SCRIPT = '<script>window.__pwned = "script"</script>';
const IMG = '<img src=x onerror="window.__pwned = \'img\'">';

/** Attacker-written text wherever an event carries text, and a tenant and incident name that try to break out of attributes. */
function hostileReport() {
  const impact = acmeImpact([
    action('2022-01-16T10:00:00Z', 'vendor.custom', [{ ...ALICE, displayName: SCRIPT, alternateId: `${IMG}@acme.example` }], {
      displayMessage: `</td></tr></table>${SCRIPT}`,
      actor: { ...AGENT, alternateId: `"><svg onload="window.__pwned='svg'">` },
      client: { ipAddress: '203.0.113.77', asNumber: 64500, asOrg: `${IMG} & Co`, country: 'NL', userAgent: SCRIPT },
      outcome: { result: 'FAILURE', reason: `' onmouseover='window.__pwned=1` },
    }),
  ]);
  return buildImpactReport({ ...impact, tenant: { id: 'ten_acme', name: `Acme"><script>window.__pwned='tenant'</script>` }, incident: { ...impact.incident, name: SCRIPT } }, 'B0ALGsSICJs2fmdBw9HQhg');
}

describe('impact report HTML', () => {
  let browser: Browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser.close(); });

  it('is one self-contained document: a cover, summary, affected users, what to do, all actions and how to check it', () => {
    const html = reportHtml(buildImpactReport(acmeImpact(), 'B0ALGsSICJs2fmdBw9HQhg'));
    for (const part of ['Security incident: impact report', 'Acme Corporation', '2022 support account takeover', '2022-01-16 00:00:00 UTC to 2022-01-21 00:00:00 UTC',
      'Ed25519 key <span class="mono">B0ALGsSICJs2fmdBw9HQhg</span>', 'Bulwark System Log', '<h2>Summary</h2>', 'All MFA factors removed', '<h2>Affected users</h2>',
      '<h2>What to do</h2>', '<h2>All actions</h2>', '<h2>Checking this report</h2>']) {
      assert.ok(html.includes(part), `missing: ${part}`);
    }
    assert.doesNotMatch(html, /<script|<link|src=|url\(/i, 'no scripts and no external assets');
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"/);
  });

  it('escapes every attacker-written string: no tag, attribute or script of theirs survives', () => {
    const html = reportHtml(hostileReport());
    assert.doesNotMatch(html, /<(script|img|svg)\b/i, 'no tag of theirs');
    assert.doesNotMatch(html, /"><(svg|script)|' onmouseover/, 'no quote of theirs closes an attribute');
    assert.ok(html.includes('&lt;script&gt;window.__pwned = &quot;script&quot;&lt;/script&gt;'));
    assert.ok(html.includes('&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;'));
  });

  it('stays inert in a browser that runs scripts, and shows the hostile text as text', async () => {
    const page = await browser.newPage();
    try {
      await page.setContent(reportHtml(hostileReport()), { waitUntil: 'load' });
      assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned), undefined);
      assert.equal(await page.locator('script, img, svg, iframe, object').count(), 0);
      const text = await page.locator('body').innerText();
      assert.ok(text.includes(SCRIPT), 'the displayName is shown as written');
      assert.ok(text.includes(`${IMG} & Co`));
      assert.equal(await page.title(), `Impact report: Acme"><script>window.__pwned='tenant'</script>: ${SCRIPT}`);
    } finally {
      await page.close();
    }
  });

  it('says plainly that nothing was found when the suspects did nothing on the tenant', () => {
    const html = reportHtml(buildImpactReport(acmeImpact([]), 'k'));
    assert.match(html, /No action of the suspects was found on this tenant/);
    assert.match(html, /No user of this tenant was the target/);
    assert.doesNotMatch(html, /<h2>All actions<\/h2>/);
  });
});
