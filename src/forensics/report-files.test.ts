import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { manualClock } from '../lib/clock.ts';
import { acmeImpact } from '../../test/support/impact-fixture.ts';
import { ReportError } from './report-error.ts';
import { tenantDirectory, writeImpactReports } from './report-files.ts';
import { loadReportKey, verifyReport } from './report-signing.ts';

const root = mkdtempSync(join(tmpdir(), 'bulwark-reports-'));
after(() => rmSync(root, { recursive: true, force: true }));

const key = loadReportKey(join(root, 'data'));
const chromiumPath = process.env['BULWARK_TEST_CHROMIUM'];
const clock = manualClock(new Date('2022-03-22T09:00:05.000Z'));

/** Pages of a PDF as Chromium (Skia) writes them: one uncompressed `/Type /Page` object each. */
const pageCount = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length;

describe('writing impact reports', () => {
  it('writes every format of every tenant with a signature beside each file, and says what it wrote', async () => {
    const out = join(root, 'all');
    const quiet = { ...acmeImpact([]), tenant: { id: 'ten_quiet', name: 'Quiet Ltd' } };
    const started = performance.now();
    const written = await writeImpactReports([acmeImpact(), quiet], out, { formats: ['pdf', 'json', 'csv', 'html'], key, clock, ...(chromiumPath ? { chromiumPath } : {}) });
    const ms = performance.now() - started;
    assert.deepEqual(written.map((w) => [w.tenantId, w.actions, w.affectedUsers, w.files.map((f) => f.format)]), [
      ['ten_acme', 7, 3, ['json', 'csv', 'html', 'pdf']],
      ['ten_quiet', 0, 0, ['json', 'csv', 'html', 'pdf']],
    ]);
    assert.deepEqual(readdirSync(join(out, 'ten_acme')).sort(), ['csv', 'html', 'json', 'pdf'].flatMap((e) => [`impact-report.${e}`, `impact-report.${e}.sig`]));
    for (const w of written) {
      for (const f of w.files) {
        const content = readFileSync(f.path);
        assert.equal(f.path, join(out, w.tenantId, `impact-report.${f.format}`));
        assert.equal(f.bytes, content.length);
        assert.equal(statSync(f.path).mode & 0o777, 0o600);
        assert.deepEqual(verifyReport(content, readFileSync(f.signaturePath, 'utf8'), key.publicKey), { ok: true, keyId: key.keyId, signedAt: '2022-03-22T09:00:05.000Z' }, f.path);
      }
    }
    const json = JSON.parse(readFileSync(join(out, 'ten_acme', 'impact-report.json'), 'utf8'));
    assert.equal(json.signingKeyId, key.keyId);
    assert.equal(json.summary.actions, 7);
    process.stderr.write(`2 reports in 4 formats, PDF by one Chromium: ${Math.round(ms)} ms (${written.map((w) => `${w.tenantId} ${w.ms} ms`).join(', ')})\n`);
  });

  it('prints a real multi-page A4 PDF through Chromium: cover, summary and tables', async () => {
    const [written] = await writeImpactReports([acmeImpact()], join(root, 'pdf'), { formats: ['pdf'], key, clock, ...(chromiumPath ? { chromiumPath } : {}) });
    const pdf = readFileSync(written?.files[0]?.path as string);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(pageCount(pdf) >= 3, `${pageCount(pdf)} pages`);
    assert.match(pdf.toString('latin1'), /\/MediaBox \[0 0 595\.\d+ 842\.\d+\]/, 'A4');
    assert.match(pdf.toString('latin1'), /\/Title \(Impact report: Acme Corporation: 2022 support account takeover\)|\/Title <FEFF/);
  });

  it('says where Chromium was looked for when it is missing, and writes nothing', async () => {
    const out = join(root, 'no-chromium');
    await assert.rejects(
      writeImpactReports([acmeImpact()], out, { formats: ['json', 'pdf'], key, chromiumPath: '/nonexistent/chromium' }),
      (err: Error) => err instanceof ReportError && /^no Chromium at \/nonexistent\/chromium: .*apt-get install chromium.*BULWARK_CHROMIUM/.test(err.message),
    );
    assert.equal(existsSync(join(out, 'ten_acme')), false);
  });

  it('keeps every tenant directory inside the output directory, whatever the tenant id', () => {
    assert.equal(tenantDirectory('ten_acme'), 'ten_acme');
    assert.equal(tenantDirectory('acme.okta.com'), 'acme.okta.com');
    assert.equal(tenantDirectory('../../etc'), '..%2F..%2Fetc');
    assert.equal(tenantDirectory('..'), '%2E%2E');
    assert.equal(tenantDirectory('.'), '%2E');
    assert.throws(() => tenantDirectory(''), ReportError);
  });

  it('refuses a tenant given twice or no format, before writing anything', async () => {
    const out = join(root, 'refused');
    await assert.rejects(writeImpactReports([acmeImpact(), acmeImpact()], out, { formats: ['json'], key }), /tenant ten_acme appears twice/);
    await assert.rejects(writeImpactReports([acmeImpact()], out, { formats: [], key }), /no report format chosen/);
    assert.equal(existsSync(out), false);
  });
});
