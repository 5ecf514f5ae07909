/**
 * Streaming readers, one per export format. Each reads its file in chunks (never whole), hands every record to
 * the sink with its position (a line for NDJSON and CSV, an element for JSON arrays) and its raw text, and
 * reports a record it cannot read as rejected with the reason, then carries on with the next one.
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse';
import streamArray from 'stream-json/streamers/stream-array.js';
import type { Format } from './formats.ts';
import { csvRecordToEvent } from './okta-csv.ts';
import { NOT_UTF8 } from './validate.ts';

export type RecordSink = {
  /** A record's text: an NDJSON line without the blanks around it, or a JSON array element or CSV record written as JSON. */
  record(position: number, raw: string): void;
  reject(position: number, reason: string, raw: string): void;
  /** Called between chunks: the sink writes a full batch out here, and the reader waits for it. */
  settle(bytesRead: number): Promise<void>;
};

const CHUNK = 1024 * 1024;

export function readRecords(file: string, format: Format, sink: RecordSink): Promise<void> {
  if (format === 'ndjson') return readNdjson(file, sink);
  if (format === 'json-array') return readJsonArray(file, sink);
  return readCsv(file, sink);
}

/** The first line of a parser's message: enough to see what was wrong, never the whole (possibly huge) line. */
export const brief = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0]?.slice(0, 200) ?? '';

/** The bytes DuckDB's NDJSON reader cuts off around a record; a line of nothing else holds no record. */
const BLANK = new Uint8Array(256);
for (const b of [0x09, 0x0b, 0x0c, 0x0d, 0x20]) BLANK[b] = 1;

/** One line of a file: `buf[start, end)`, already trimmed of blanks; `start === end` for a blank line. */
type LineVisitor = (line: number, buf: Buffer, start: number, end: number) => void;

/**
 * Visits every line of `file` in order, numbered from 1, the way DuckDB's NDJSON reader splits it: at LF only (a
 * CR inside a line belongs to the line), a BOM at the very start dropped, blanks at either end cut off. Works on
 * bytes, so nothing is decoded that is not needed; a line longer than a chunk grows the buffer. `chunk` is
 * awaited after each chunk with the bytes read so far.
 */
async function eachLine(file: string, visit: LineVisitor, chunk?: (bytesRead: number) => Promise<void>): Promise<void> {
  const handle = await open(file, 'r');
  try {
    let buf = Buffer.allocUnsafe(CHUNK);
    let filled = 0;
    let bytesRead = 0;
    let line = 0;
    const emit = (from: number, to: number) => {
      let start = from;
      let end = to;
      while (start < end && BLANK[buf[start] as number]) start++;
      while (end > start && BLANK[buf[end - 1] as number]) end--;
      visit(++line, buf, start, end);
    };
    for (;;) {
      if (filled === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      const { bytesRead: got } = await handle.read(buf, filled, buf.length - filled, null);
      if (got === 0) break;
      let start = bytesRead === 0 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
      filled += got;
      bytesRead += got;
      for (let nl = buf.indexOf(10, start); nl !== -1 && nl < filled; nl = buf.indexOf(10, start)) {
        emit(start, nl);
        start = nl + 1;
      }
      buf.copyWithin(0, start, filled);
      filled -= start;
      await chunk?.(bytesRead);
    }
    // The last line needs no newline.
    if (filled > 0) emit(0, filled);
  } finally {
    await handle.close();
  }
}

async function readNdjson(file: string, sink: RecordSink): Promise<void> {
  await eachLine(file, (line, buf, start, end) => {
    if (start === end) return;
    const raw = buf.toString('utf8', start, end);
    // Decoding would turn bad bytes into U+FFFD and so change the event; DuckDB's reader refuses such a line too.
    if (!isUtf8(buf.subarray(start, end))) sink.reject(line, NOT_UTF8, raw);
    else sink.record(line, raw);
  }, (bytes) => sink.settle(bytes));
}

export type NdjsonCount = {
  /** Lines that are not blank: what DuckDB's reader makes a row of, each in turn. */
  records: number;
  /** Whether a blank line comes before some record, so that record k is not line k. */
  blankBeforeRecord: boolean;
};

/** One pass over the bytes of an NDJSON file, counting its records. */
export async function countNdjsonRecords(file: string): Promise<NdjsonCount> {
  const count: NdjsonCount = { records: 0, blankBeforeRecord: false };
  let sawBlank = false;
  await eachLine(file, (_line, _buf, start, end) => {
    if (start === end) sawBlank = true;
    else {
      count.records++;
      if (sawBlank) count.blankBeforeRecord = true;
    }
  });
  return count;
}

/** Hands over the text of the given lines of `file` (ascending), each as read, for reporting them. */
export async function readLines(file: string, lines: readonly number[], each: (line: number, raw: string, utf8: boolean) => void): Promise<void> {
  if (lines.length === 0) return;
  let next = 0;
  await eachLine(file, (line, buf, start, end) => {
    if (line !== lines[next]) return;
    next++;
    each(line, buf.toString('utf8', start, end), isUtf8(buf.subarray(start, end)));
  });
}

/**
 * A JSON array is parsed as a stream of its elements. The raw text kept is the element as parsed, written
 * compactly. A syntax error ends the array (nothing after it can be located); every element before it is kept.
 */
async function readJsonArray(file: string, sink: RecordSink): Promise<void> {
  const input = createReadStream(file, { highWaterMark: CHUNK });
  let bytes = 0;
  input.on('data', (chunk) => { bytes += chunk.length; });
  const elements = input.pipe(streamArray.withParserAsStream());
  input.on('error', (err) => elements.destroy(err));
  let position = 0;
  let count = 0;
  try {
    for await (const item of elements as AsyncIterable<{ key: number; value: unknown }>) {
      position = item.key + 1;
      sink.record(position, JSON.stringify(item.value));
      if (++count % 1000 === 0) await sink.settle(bytes);
    }
  } catch (err) {
    sink.reject(position + 1, `not JSON: ${brief(err)}; the rest of the array cannot be read`, '');
  }
  await sink.settle(bytes);
}

async function readCsv(file: string, sink: RecordSink): Promise<void> {
  const input = createReadStream(file, { highWaterMark: CHUNK });
  let bytes = 0;
  input.on('data', (chunk) => { bytes += chunk.length; });
  const records = input.pipe(parseCsv({
    bom: true,
    columns: true,
    info: true,
    raw: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (err, raw) => {
      const line = (err as { lines?: number } | undefined)?.lines ?? 0;
      sink.reject(line, `not a CSV record: ${brief(err)}`, typeof raw === 'string' ? raw : '');
    },
  }));
  input.on('error', (err) => records.destroy(err));
  let count = 0;
  for await (const item of records as AsyncIterable<{ record: Record<string, string>; info: { lines: number }; raw: string }>) {
    sink.record(item.info.lines, JSON.stringify(csvRecordToEvent(item.record)));
    if (++count % 1000 === 0) await sink.settle(bytes);
  }
  await sink.settle(bytes);
}
