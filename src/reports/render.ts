import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { FILTER_SQL, type FilterName, type ReportField, type ReportTemplate } from './templates.ts';
import { canaryOf, markerOf, type Canary } from './watermark.ts';

/** A filter as the database applies it: the organization is its tenant id, anything else as given. */
export type AppliedFilter = { name: FilterName; value: string };

export type RenderSpec = {
  cell: string;
  template: ReportTemplate;
  filters: readonly AppliedFilter[];
  fields: readonly ReportField[];
  /** The moment the rows are read as of: every version valid then, and no other. */
  asOf: Date;
  /** The download's watermark (canary row and marker); null for counting alone. */
  watermark: string | null;
  /** The name of the one organization the filters keep to, for the canary. */
  organizationName: string | null;
};

export type Selection = { rows: number; minCreated: Date | null; maxCreated: Date | null; companyName: string | null };

const setting = (name: string): string => `current_setting('bulwark.report.${name}')`;

/**
 * The rows' conditions. Every value the user chose is bound through set_config and read back with
 * current_setting (stable, so index conditions can use it): COPY takes no parameters, and no chosen value is
 * ever spliced into SQL text.
 */
function conditions(spec: Pick<RenderSpec, 'template' | 'filters'>): string {
  return [
    `v.cell = ${setting('cell')}`,
    `v.valid_from <= ${setting('as_of')}::timestamptz`,
    `v.valid_to > ${setting('as_of')}::timestamptz`,
    ...spec.template.fixed,
    ...spec.filters.map((f) => FILTER_SQL[f.name].replaceAll('$value', setting(`f_${f.name}`))),
  ].join(' and ');
}

async function bind(client: pg.ClientBase, values: Readonly<Record<string, string>>): Promise<void> {
  const names = Object.keys(values);
  const calls = names.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ');
  await client.query(`select ${calls}`, names.flatMap((n) => [`bulwark.report.${n}`, values[n] as string]));
}

/** How many rows a run selects (as of `asOf`), without reading them; in a transaction of its own. */
export async function countRows(client: pg.ClientBase, spec: Omit<RenderSpec, 'fields' | 'watermark' | 'organizationName'>): Promise<number> {
  await client.query('begin isolation level repeatable read read only');
  try {
    return (await select(client, spec)).rows;
  } finally {
    await client.query('commit');
  }
}

async function select(client: pg.ClientBase, spec: Pick<RenderSpec, 'cell' | 'template' | 'filters' | 'asOf'>): Promise<Selection> {
  await bind(client, { cell: spec.cell, as_of: spec.asOf.toISOString(), ...Object.fromEntries(spec.filters.map((f) => [`f_${f.name}`, f.value])) });
  const { rows } = await client.query<{ rows: number; min_created: Date | null; max_created: Date | null; company: string | null }>(
    `select count(*)::int as rows, min(v.created) as min_created, max(v.created) as max_created, min(v.organization_name) as company
     from help_center_user_versions v where ${conditions(spec)}`,
  );
  const r = rows[0];
  return { rows: r?.rows ?? 0, minCreated: r?.min_created ?? null, maxCreated: r?.max_created ?? null, companyName: r?.company ?? null };
}

/** A CSV line of constant labels (none has a quote, comma or line break), ending like COPY's. */
const headerLine = (labels: readonly string[]): string => `${labels.join(',')}\n`;

/**
 * The file's rows: COPY … (FORMAT csv) streams them as PostgreSQL writes them, which is much faster than any
 * row-by-row writer in JavaScript (bench/report.ts). The canary joins the real rows as a second branch of the
 * union, ordered with them by (created, id), so the order is a merge of an index scan and one row.
 */
function copyStatement(spec: RenderSpec, canary: Canary | null): string {
  const columns = spec.fields.map((f, i) => `${f.sql} as c${i}`).join(', ');
  const outer = spec.fields.map((_, i) => `c${i}`).join(', ');
  const real = `select ${columns}, v.created as k1, v.id as k2 from help_center_user_versions v where ${conditions(spec)}`;
  const fake = canary === null ? '' : ` union all select ${spec.fields.map((f, i) => `(${setting('canary')}::jsonb -> 'values' ->> '${f.name}') as c${i}`).join(', ')},
    (${setting('canary')}::jsonb ->> 'created')::timestamptz, ${setting('canary')}::jsonb ->> 'id'`;
  return `copy (select ${outer} from (${real}${fake}) r order by k1, k2) to stdout with (format csv)`;
}

/**
 * Streams a run's file as CSV to `consume`, within one repeatable-read transaction so that the count and the
 * rows agree. The header carries the marker and the rows the canary when there is a watermark. `consume` gets
 * the selection (before any byte) and the bytes; when it fails (the client went away), the connection is
 * given up rather than reused mid-COPY.
 */
export async function renderCsv<T>(client: pg.ClientBase, spec: RenderSpec, consume: (selection: Selection, bytes: AsyncIterable<Buffer>) => Promise<T>): Promise<T> {
  await client.query('begin isolation level repeatable read read only');
  const selection = await select(client, spec);
  const canary = spec.watermark === null ? null : canaryOf(spec.watermark, {
    asOf: spec.asOf, minCreated: selection.minCreated, maxCreated: selection.maxCreated, companyName: spec.organizationName ?? selection.companyName,
  });
  if (canary) await bind(client, { canary: JSON.stringify({ values: canary.values, created: canary.created.toISOString(), id: canary.id }) });
  const labels = spec.fields.map((f, i) => (i === 0 && spec.watermark !== null ? f.label + markerOf(spec.watermark) : f.label));
  const copy = client.query(copyTo(copyStatement(spec, canary)));
  async function* bytes(): AsyncIterable<Buffer> {
    yield Buffer.from(headerLine(labels));
    for await (const chunk of copy) yield chunk as Buffer;
  }
  const result = await consume(selection, bytes());
  await client.query('commit');
  return result;
}
