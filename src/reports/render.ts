import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { FILTER_SQL, type FilterName, type ReportField, type ReportTemplate } from './templates.ts';
import { canaryOf, markerOf } from './watermark.ts';

/** A filter as the database applies it: the organization is its tenant id, anything else as given. */
export type AppliedFilter = { name: FilterName; value: string };

export type RenderSpec = {
  cell: string;
  template: ReportTemplate;
  filters: readonly AppliedFilter[];
  fields: readonly ReportField[];
  /** The moment the rows are read as of: every version valid then, and no other. */
  asOf: Date;
  /** The download's watermark, from which its canary row and marker follow. */
  watermark: string;
  /** The name of the one organization the filters keep to, for the canary. */
  organizationName: string | null;
};

/** The first and the last row a run selects, in (created, id) order, where the canary may go, and the first customer's company, which it claims. */
type Ends = { minCreated: Date | null; maxCreated: Date | null; companyName: string | null };

/**
 * A bound value, read once per statement: the scalar subquery becomes an InitPlan, so the setting is neither
 * looked up nor parsed again for each row, and it can still bound an index scan.
 */
const setting = (name: string, type = 'text'): string => `(select current_setting('bulwark.report.${name}')::${type})`;

/**
 * The rows' conditions. Every value the user chose is bound through set_config and read back with
 * current_setting (stable, so index conditions can use it): COPY takes no parameters, and no chosen value is
 * ever spliced into SQL text.
 */
function conditions(spec: Pick<RenderSpec, 'template' | 'filters'>): string {
  return [
    `v.cell = ${setting('cell')}`,
    `v.valid_from <= ${setting('as_of', 'timestamptz')}`,
    `v.valid_to > ${setting('as_of', 'timestamptz')}`,
    ...spec.template.fixed,
    ...spec.filters.map((f) => FILTER_SQL[f.name].sql.replaceAll('$value', setting(`f_${f.name}`, FILTER_SQL[f.name].type))),
  ].join(' and ');
}

async function bind(client: pg.ClientBase, values: Readonly<Record<string, string>>): Promise<void> {
  const names = Object.keys(values);
  const calls = names.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ');
  await client.query(`select ${calls}`, names.flatMap((n) => [`bulwark.report.${n}`, values[n] as string]));
}

async function bindSelection(client: pg.ClientBase, spec: Pick<RenderSpec, 'cell' | 'filters' | 'asOf'>): Promise<void> {
  await bind(client, { cell: spec.cell, as_of: spec.asOf.toISOString(), ...Object.fromEntries(spec.filters.map((f) => [`f_${f.name}`, f.value])) });
}

/** How many rows a run selects (as of `asOf`), without reading them; in a transaction of its own. */
export async function countRows(client: pg.ClientBase, spec: Pick<RenderSpec, 'cell' | 'template' | 'filters' | 'asOf'>): Promise<number> {
  await client.query('begin isolation level repeatable read read only');
  try {
    await bindSelection(client, spec);
    const { rows } = await client.query<{ rows: number }>(`select count(*)::int as rows from help_center_user_versions v where ${conditions(spec)}`);
    return rows[0]?.rows ?? 0;
  } finally {
    await client.query('commit');
  }
}

/** A few steps down the index, from each end. */
async function endsOf(client: pg.ClientBase, spec: Pick<RenderSpec, 'template' | 'filters'>): Promise<Ends> {
  const end = (column: string, direction: 'asc' | 'desc') =>
    `(select v.${column} from help_center_user_versions v where ${conditions(spec)} order by v.created ${direction}, v.id ${direction} limit 1)`;
  const { rows } = await client.query<{ min_created: Date | null; max_created: Date | null; company: string | null }>(
    `select ${end('created', 'asc')} as min_created, ${end('created', 'desc')} as max_created,
       (select v.organization_name from help_center_user_versions v where ${conditions(spec)} and cardinality(v.staff_roles) = 0 order by v.created, v.id limit 1) as company`,
  );
  return { minCreated: rows[0]?.min_created ?? null, maxCreated: rows[0]?.max_created ?? null, companyName: rows[0]?.company ?? null };
}

/** A CSV line of constant labels (none has a quote, comma or line break), ending like COPY's. */
const headerLine = (labels: readonly string[]): string => `${labels.join(',')}\n`;

/**
 * The file's rows, as COPY … (FORMAT csv) statements whose output follows one another: PostgreSQL writes CSV
 * much faster than any row-by-row writer in JavaScript (bench/report.ts). The canary (bound as a setting) goes
 * between the real rows before it and after it in (created, id) order: three statements, each an ordered
 * range of the index, rather than one union that the database would sort whole.
 */
function copyStatements(spec: RenderSpec): { statement: string; real: boolean }[] {
  const columns = spec.fields.map((f) => f.sql).join(', ');
  const real = (range: string): string =>
    `copy (select ${columns} from help_center_user_versions v where ${conditions(spec)}${range} order by v.created, v.id) to stdout with (format csv)`;
  const key = `(${setting('canary', 'jsonb')} ->> 'created')::timestamptz, ${setting('canary', 'jsonb')} ->> 'id'`;
  const fake = `copy (select ${spec.fields.map((f) => `${setting('canary', 'jsonb')} -> 'values' ->> '${f.name}'`).join(', ')}) to stdout with (format csv)`;
  return [
    { statement: real(` and (v.created, v.id) < (${key})`), real: true },
    { statement: fake, real: false },
    { statement: real(` and (v.created, v.id) >= (${key})`), real: true },
  ];
}

/**
 * Streams a run's file as CSV to `consume`, within one repeatable-read transaction. The header carries the
 * marker and the rows the canary. Answers what `consume` did and how many real rows were sent (as COPY counted
 * them; `rowsSent` tells `consume` so far). When `consume` fails (the client went away), the connection is
 * given up rather than reused mid-COPY.
 */
export async function renderCsv<T>(client: pg.ClientBase, spec: RenderSpec, consume: (bytes: AsyncIterable<Buffer>, rowsSent: () => number) => Promise<T>): Promise<{ result: T; rows: number }> {
  await client.query('begin isolation level repeatable read read only');
  // The same text on every server (times), the sort of a large export in memory, and one core for it.
  await client.query(`set local datestyle = 'ISO, YMD'; set local work_mem = '128MB'; set local max_parallel_workers_per_gather = 0`);
  await bindSelection(client, spec);
  const ends = await endsOf(client, spec);
  const canary = canaryOf(spec.watermark, { asOf: spec.asOf, minCreated: ends.minCreated, maxCreated: ends.maxCreated, companyName: spec.organizationName ?? ends.companyName });
  await bind(client, { canary: JSON.stringify({ values: canary.values, created: canary.created.toISOString(), id: canary.id }) });
  const labels = spec.fields.map((f, i) => (i === 0 ? f.label + markerOf(spec.watermark) : f.label));
  let rows = 0;
  async function* bytes(): AsyncIterable<Buffer> {
    yield Buffer.from(headerLine(labels));
    for (const { statement, real } of copyStatements(spec)) {
      const copy = client.query(copyTo(statement));
      for await (const chunk of copy) yield chunk as Buffer;
      if (real) rows += copy.rowCount;
    }
  }
  const result = await consume(bytes(), () => rows);
  await client.query('commit');
  return { result, rows };
}
