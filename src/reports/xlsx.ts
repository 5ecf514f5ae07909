import { PassThrough, type Readable } from 'node:stream';
import { setTimeout } from 'node:timers/promises';
import { parse } from 'csv-parse';
import { excelJs } from './excel.ts';

/**
 * A CSV file (as render.ts makes it) as an XLSX workbook of one sheet, streamed: ExcelJS's streaming writer,
 * each row committed as it is read, every cell a string as in the CSV (so the two formats hold the same
 * content, and an XLSX download's content hash is the hash of its CSV). The workbook says it was made at
 * `asOf`; the zip archive around it records the time it was written, which is why XLSX downloads are
 * reconciled by content.
 */
const BUFFERED_LIMIT = 8 * 1024 * 1024;

export function csvToXlsx(csv: AsyncIterable<Buffer>, sheetName: string, asOf: Date): Readable {
  const out = new PassThrough();
  (async () => {
    const ExcelJS = await excelJs();
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
    workbook.created = asOf;
    workbook.modified = asOf;
    workbook.creator = 'Bulwark';
    const sheet = workbook.addWorksheet(sheetName);
    const rows = parse({ relax_column_count: false, bom: false });
    const feeding = (async () => {
      for await (const chunk of csv) if (!rows.write(chunk)) await new Promise((resolve) => rows.once('drain', resolve));
      rows.end();
    })().catch((e: unknown) => rows.destroy(e instanceof Error ? e : new Error(String(e))));
    let n = 0;
    for await (const row of rows as AsyncIterable<string[]>) {
      sheet.addRow(row.map((cell) => (cell === '' ? null : cell))).commit();
      // ExcelJS does not wait for its reader; a slow client must not make the workbook pile up in memory.
      if (++n % 1000 === 0) while (out.readableLength > BUFFERED_LIMIT && !out.destroyed) await setTimeout(5);
    }
    await feeding;
    sheet.commit();
    await workbook.commit();
  })().catch((e: unknown) => out.destroy(e instanceof Error ? e : new Error(String(e))));
  return out;
}
