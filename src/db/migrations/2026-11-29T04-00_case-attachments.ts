import { sql, type Kysely } from 'kysely';

/**
 * Files attached to support cases, as stored after sanitizing (src/attachments): only the sanitized bytes
 * ever reach this table, with their size and SHA-256 and what was removed (counts by kind, never values).
 * Kept in the database, with the case, so that a case's data is in one place with one retention.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table support_case_attachments (
      tenant_id text not null,
      case_id text not null,
      id text not null,
      file_name text not null,
      kind text not null check (kind in ('har', 'json', 'text')),
      size bigint not null,
      sha256 text not null,
      removed jsonb not null,
      content bytea not null,
      uploaded_by_kind text not null check (uploaded_by_kind in ('CUSTOMER', 'STAFF')),
      uploaded_by text not null,
      uploaded_by_name text not null,
      created timestamptz not null,
      primary key (tenant_id, case_id, id),
      foreign key (tenant_id, case_id) references support_cases (tenant_id, id) on delete cascade
    );
  `.execute(db);
}
