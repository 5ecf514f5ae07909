import { accessSync, constants } from 'node:fs';
import type { Browser } from 'playwright-core';
import { esc } from './report-html.ts';
import { ReportError } from './report-error.ts';

/** One document to print: the report's HTML and the short line every page's header repeats. */
export type PdfDocument = { html: string; header: string; footer: string };

export type PdfRenderer = (doc: PdfDocument) => Promise<Buffer>;

/** Chromium's own print header and footer: 8 px unless told, and only these classes are filled in. */
function pageTemplate(text: string, withPageNumbers: boolean): string {
  const pages = withPageNumbers ? 'Page <span class="pageNumber"></span> of <span class="totalPages"></span>' : '';
  return `<div style="font-size:7.5pt;font-family:'DejaVu Sans',Arial,sans-serif;color:#555;width:100%;padding:0 14mm;display:flex;justify-content:space-between"><span>${esc(text)}</span><span>${pages}</span></div>`;
}

async function launch(executablePath: string): Promise<Browser> {
  try {
    accessSync(executablePath, constants.X_OK);
  } catch {
    throw new ReportError(`no Chromium at ${executablePath}: PDF reports need Debian's chromium package (apt-get install chromium), or BULWARK_CHROMIUM set to a Chromium executable`);
  }
  try {
    // Loaded here, not at the top: playwright-core takes half a second to load, which every command would pay.
    const { chromium } = await import('playwright-core');
    return await chromium.launch({ executablePath, args: ['--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  } catch (err) {
    throw new ReportError(`cannot start Chromium at ${executablePath}: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
  }
}

/**
 * Starts one headless Chromium, hands `work` a renderer that prints HTML to PDF, and closes the browser when
 * `work` ends, also on failure: hundreds of reports share one browser and one page. The page runs no
 * JavaScript and reaches no network: the reports hold attacker-written text, and nothing in them needs either.
 */
export async function withPdfRenderer<T>(executablePath: string, work: (render: PdfRenderer) => Promise<T>): Promise<T> {
  const browser = await launch(executablePath);
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    const page = await context.newPage();
    return await work(async (doc) => {
      await page.setContent(doc.html, { waitUntil: 'load' });
      return page.pdf({
        format: 'A4',
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate: pageTemplate(doc.header, false),
        footerTemplate: pageTemplate(doc.footer, true),
        margin: { top: '18mm', bottom: '18mm', left: '14mm', right: '14mm' },
      });
    });
  } finally {
    await browser.close();
  }
}
