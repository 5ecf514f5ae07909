/**
 * JSON text in and out without losing a digit. `JSON.parse` turns 12345678901234567890 into a nearby double and
 * `1.0` into `1`; a support engineer comparing IDs in a capture must see what was sent. So when the text holds a
 * long number, numbers whose source text would not survive the round trip are kept as raw JSON
 * (TC39 JSON.parse source text access, in V8 since 11.4).
 */

const JSON_RAW = JSON as typeof JSON & {
  rawJSON(text: string): { readonly rawJSON: string };
  isRawJSON(value: unknown): value is { readonly rawJSON: string };
};

export type Parsed = { ok: true; value: unknown } | { ok: false };

/** A number token (after `:`, `,` or `[`) of sixteen digits or more: past what a double holds exactly. */
const LONG_NUMBER = /[:,[]\s*-?\d{16}/;

function keepSource(_key: string, value: unknown, context?: { source?: string }): unknown {
  const source = context?.source;
  return typeof value === 'number' && source !== undefined && String(value) !== source ? JSON_RAW.rawJSON(source) : value;
}

/** Parses JSON text; the engine's error message quotes the input, so a failure says nothing more. */
export function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: LONG_NUMBER.test(text) ? JSON.parse(text, keepSource) : JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** A number kept as its source text by `parseJson`. */
export function rawNumber(value: object): string | undefined {
  return JSON_RAW.isRawJSON(value) ? value.rawJSON : undefined;
}
