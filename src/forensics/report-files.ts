import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_CHROMIUM } from '#src/config.ts';
import { systemClock, type Clock } from '#src/lib/clock.ts';
import type { TenantImpact } from './impact.ts';
import { reportCsv } from './report-csv.ts';
import { ReportError } from './report-error.ts';
import { reportHtml } from './report-html.ts';
import { buildImpactReport, type ImpactReport } from './report-model.ts';
import { withPdfRenderer, type PdfRenderer } from './report-pdf.ts';
import { signatureFile, signReport, type ReportKey, type ReportSignature } from './report-signing.ts';

export type ReportFormat = 'html' | 'pdf' | 'csv' | 'json';

/** Every format, in the order files are written. */
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'csv', 'html', 'pdf'];

export type WrittenFile = { format: ReportFormat; path: string; bytes: number; sha256: string; signaturePath: string };

export type WrittenReport = { tenantId: string; directory: string; actions: number; affectedUsers: number; files: WrittenFile[]; ms: number };

export type WriteReportsOptions = {
  formats: readonly ReportFormat[];
  key: ReportKey;
  clock?: Clock;
  /** The Chromium that prints PDFs (Config.chromiumPath); Debian's by default. */
  chromiumPath?: string;
};

/**
 * A tenant's directory name: its id, percent-encoded so that no id (an imported org name may hold anything)
 * can name a path outside `outDir`.
 */
export function tenantDirectory(tenantId: string): string {
  if (tenantId === '') throw new ReportError('a tenant id is empty');
  const name = encodeURIComponent(tenantId);
  return name === '.' || name === '..' ? name.replaceAll('.', '%2E') : name;
}

/** The JSON report: the model as built, whose key order is fixed by its construction. */
const reportJson = (report: ImpactReport): string => `${JSON.stringify(report, null, 2)}\n`;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function writeSigned(path: string, format: ReportFormat, content: Buffer, key: ReportKey, clock: Clock): WrittenFile {
  // Mode 0600: a report names people and what was done to their accounts.
  writeFileSync(path, content, { mode: 0o600 });
  const sig = signReport(content, key, clock.now());
  const signaturePath = `${path}.sig`;
  writeFileSync(signaturePath, signatureFile(sig), { mode: 0o600 });
  return { format, path, bytes: sig.bytes, sha256: sig.sha256, signaturePath };
}

/** One format of a built report as bytes; `pdf` is needed for PDF only. */
async function renderFormat(report: ImpactReport, format: ReportFormat, html: string, pdf: PdfRenderer | undefined): Promise<Buffer> {
  if (format === 'pdf') {
    return (pdf as PdfRenderer)({
      html,
      header: clip(`Impact report · ${report.tenant.name ?? report.tenant.id} · ${report.incident.name}`, 110),
      footer: `Signed by Ed25519 key ${report.signingKeyId}`,
    });
  }
  return Buffer.from(format === 'json' ? reportJson(report) : format === 'csv' ? reportCsv(report) : html, 'utf8');
}

async function writeReport(impact: TenantImpact, outDir: string, formats: readonly ReportFormat[], opts: WriteReportsOptions, pdf: PdfRenderer | undefined): Promise<WrittenReport> {
  const started = performance.now();
  const clock = opts.clock ?? systemClock;
  const report = buildImpactReport(impact, opts.key.keyId);
  const directory = join(outDir, tenantDirectory(impact.tenant.id));
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const html = formats.includes('html') || formats.includes('pdf') ? reportHtml(report) : '';
  const files: WrittenFile[] = [];
  for (const format of formats) {
    // writeImpactReports starts the renderer whenever the formats include PDF.
    const content = await renderFormat(report, format, html, pdf);
    files.push(writeSigned(join(directory, `impact-report.${format}`), format, content, opts.key, clock));
  }
  return { tenantId: impact.tenant.id, directory, actions: report.actions.length, affectedUsers: report.affected.length, files, ms: Math.round(performance.now() - started) };
}

/** One tenant's report in one format, in memory with its signature: for a download rather than a directory. */
export async function renderImpactReport(impact: TenantImpact, format: ReportFormat, opts: Omit<WriteReportsOptions, 'formats'>): Promise<{ content: Buffer; signature: ReportSignature }> {
  const report = buildImpactReport(impact, opts.key.keyId);
  const html = format === 'html' || format === 'pdf' ? reportHtml(report) : '';
  const content = format === 'pdf'
    ? await withPdfRenderer(opts.chromiumPath ?? DEFAULT_CHROMIUM, (pdf) => renderFormat(report, format, html, pdf))
    : await renderFormat(report, format, html, undefined);
  return { content, signature: signReport(content, opts.key, (opts.clock ?? systemClock).now()) };
}

/**
 * Writes each tenant's impact report as `{outDir}/{tenant-id}/impact-report.{ext}` with a detached signature
 * `impact-report.{ext}.sig` beside each file, and returns what it wrote. PDFs of all tenants are printed by
 * one Chromium, started once. Reports are written one after another: a failure stops the run, and the
 * reports already written stay complete and signed.
 */
export async function writeImpactReports(impacts: readonly TenantImpact[], outDir: string, opts: WriteReportsOptions): Promise<WrittenReport[]> {
  const formats = REPORT_FORMATS.filter((f) => opts.formats.includes(f));
  if (formats.length === 0) throw new ReportError(`no report format chosen: choose from ${REPORT_FORMATS.join(', ')}`);
  const directories = new Set<string>();
  for (const impact of impacts) {
    const dir = tenantDirectory(impact.tenant.id);
    if (directories.has(dir)) throw new ReportError(`tenant ${impact.tenant.id} appears twice: one report per tenant`);
    directories.add(dir);
  }
  mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const writeAll = async (pdf: PdfRenderer | undefined) => {
    const written: WrittenReport[] = [];
    for (const impact of impacts) written.push(await writeReport(impact, outDir, formats, opts, pdf));
    return written;
  };
  return formats.includes('pdf') ? withPdfRenderer(opts.chromiumPath ?? DEFAULT_CHROMIUM, writeAll) : writeAll(undefined);
}
