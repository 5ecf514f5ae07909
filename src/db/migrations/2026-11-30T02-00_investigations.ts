import { sql, type Kysely } from 'kysely';

/**
 * Saved investigations (docs/forensics.md "In the admin console"): a tenant's admins name an incident (a
 * window and the suspects' indicators) once and come back to it; its questions are asked of the tenant's own
 * System Log each time it is opened, so it never holds a stale copy of events.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table investigations (
      tenant_id text not null references tenants (id),
      id text not null,
      name text not null,
      incident jsonb not null,
      created_by text not null,
      created_by_name text not null,
      created timestamptz not null,
      primary key (tenant_id, id)
    );
    create index investigations_created on investigations (tenant_id, created desc, id);
  `.execute(db);
}
