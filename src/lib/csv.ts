import type { Options } from 'csv-stringify';

/**
 * csv-stringify options for a file a customer opens in a spreadsheet: a header row, and every cell that a
 * spreadsheet would run as a formula (leading `=`, `+`, `-`, `@`, tab or carriage return, and their full-width
 * forms) made text with a leading apostrophe (OWASP "CSV Injection"). Event text comes from people, some of
 * them attackers.
 */
export function sheetSafeCsv(columns: readonly string[]): Options {
  return { header: true, columns: [...columns], escape_formulas: true };
}
