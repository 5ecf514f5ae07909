/**
 * Streaming readers, one per export format. Each reads its file in chunks (never whole), hands every record to
 * the sink with its position (a line for NDJSON and CSV, an element for JSON arrays) and its raw text, and
 * reports a record it cannot read as rejected with the reason, then carries on with the next one.
 */
import { createReadStream } from 'node:fs';
import { parse as parseCsv } from 'csv-parse';
import streamArray from 'stream-json/streamers/stream-array.js';
import type { Format } from './formats.ts';
import { csvRecordToEvent } from './okta-csv.ts';

export type RecordSink = {
  /** A record's text: the line exactly as read, or a JSON array element or CSV record written as JSON. */
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

async function readNdjson(file: string, sink: RecordSink): Promise<void> {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: CHUNK });
  let rest = '';
  let lineNo = 0;
  let bytes = 0;
  const take = (raw: string) => {
    lineNo++;
    // A BOM on the first line and CRLF line ends are how Windows tools save text; neither is an error.
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (line.trim() === '') return;
    // Parsing is left to the workspace's engine, which does it a batch at a time in C++.
    sink.record(lineNo, line);
  };
  for await (const chunk of stream as AsyncIterable<string>) {
    bytes += Buffer.byteLength(chunk);
    let text = rest + chunk;
    let start = 0;
    let nl = text.indexOf('\n', start);
    while (nl !== -1) {
      take(text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    rest = text.slice(start);
    text = '';
    await sink.settle(bytes);
  }
  // The last line needs no newline; a truncated one is rejected like any other unreadable line.
  if (rest !== '') take(rest);
  await sink.settle(bytes);
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
