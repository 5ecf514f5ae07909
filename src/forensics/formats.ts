/**
 * Which export a file is, judged by its content and never by its name: Okta's API and Bulwark write NDJSON,
 * saved API responses are JSON arrays, and the Admin Console downloads CSV. Files are often renamed on their
 * way to an investigator (`export.txt`, `logs.json` holding NDJSON), so the extension proves nothing.
 */
import { open } from 'node:fs/promises';

export type Format = 'ndjson' | 'json-array' | 'csv';

const SNIFF_BYTES = 64 * 1024;

/** Only the first 64 KiB are read. */
export async function detectFormat(file: string): Promise<Format> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buf, 0, SNIFF_BYTES, 0);
    return formatOf(buf.subarray(0, bytesRead).toString('utf8'));
  } finally {
    await handle.close();
  }
}

/** The decision on the head of a file (a BOM and leading blank space ignored). */
export function formatOf(head: string): Format {
  const text = head.replace(/^\uFEFF/, '').trimStart();
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const first = lines[0] ?? '';
  if (first.startsWith('[')) {
    // One whole array on the first line with more values after it is an NDJSON line gone wrong, not an array export.
    return completeJson(first) && lines.length > 1 ? 'ndjson' : 'json-array';
  }
  if (first.startsWith('{')) return 'ndjson';
  // A first line that is neither an object nor an array: a CSV header, unless the lines after it are JSON objects.
  const looksLikeHeader = /(^|[,"])(uuid|eventType|published)("|,|$)/.test(first);
  if (!looksLikeHeader && lines.slice(1).some((l) => l.startsWith('{'))) return 'ndjson';
  return 'csv';
}

function completeJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}
