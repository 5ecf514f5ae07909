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
 * The file's rows, as COPY … (FORMAT csv) statements whose output follows one another: PostgreSQL writes CSV
 * much faster than any row-by-row writer in JavaScript (bench/report.ts). With a watermark, the canary goes
 * between the real rows before it and after it in (created, id) order: three statements, each an ordered
 * range of the index, rather than one union that the database would sort whole.
 */
function copyStatements(spec: RenderSpec, canary: Canary | null): string[] {
  const columns = spec.fields.map((f) => f.sql).join(', ');
  const real = (range: string): string =>
    `copy (select ${columns} from help_center_user_versions v where ${conditions(spec)}${range} order by v.created, v.id) to stdout with (format csv)`;
  if (canary === null) return [real('')];
  const key = `(${setting('canary')}::jsonb ->> 'created')::timestamptz, ${setting('canary')}::jsonb ->> 'id'`;
  const fake = `copy (select ${spec.fields.map((f) => `${setting('canary')}::jsonb -> 'values' ->> '${f.name}'`).join(', ')}) to stdout with (format csv)`;
  return [real(` and (v.created, v.id) < (${key})`), fake, real(` and (v.created, v.id) >= (${key})`)];
}

/**
 * Streams a run's file as CSV to `consume`, within one repeatable-read transaction so that the count and the
 * rows agree. The header carries the marker and the rows the canary when there is a watermark. `consume` gets
 * the selection (before any byte) and the bytes; when it fails (the client went away), the connection is
 * given up rather than reused mid-COPY.
 */
export async function renderCsv<T>(client: pg.ClientBase, spec: RenderSpec, consume: (selection: Selection, bytes: AsyncIterable<Buffer>) => Promise<T>): Promise<T> {
  await client.query('begin isolation level repeatable read read only');
  // The same text on every server (times), the sort of a large export in memory, and one core for it.
  await client.query(`set local datestyle = 'ISO, YMD'; set local work_mem = '128MB'; set local max_parallel_workers_per_gather = 0`);
  const selection = await select(client, spec);
  const canary = spec.watermark === null ? null : canaryOf(spec.watermark, {
    asOf: spec.asOf, minCreated: selection.minCreated, maxCreated: selection.maxCreated, companyName: spec.organizationName ?? selection.companyName,
  });
  if (canary) await bind(client, { canary: JSON.stringify({ values: canary.values, created: canary.created.toISOString(), id: canary.id }) });
  const labels = spec.fields.map((f, i) => (i === 0 && spec.watermark !== null ? f.label + markerOf(spec.watermark) : f.label));
  async function* bytes(): AsyncIterable<Buffer> {
    yield Buffer.from(headerLine(labels));
    for (const statement of copyStatements(spec, canary)) for await (const chunk of client.query(copyTo(statement))) yield chunk as Buffer;
  }
  const result = await consume(selection, bytes());
  await client.query('commit');
  return result;
}
