import { sql, type Kysely } from 'kysely';

/**
 * Support access, the rest of a grant's life (docs/support-access.md):
 * - Extensions: a staff member asks for more time on a running grant of theirs, and the tenant's admins decide
 *   again. One may wait at a time per grant (the partial unique index); one not decided before its grant ends
 *   lapses. `expires` is the grant's end the approval set, `extended_from` its end before.
 * - Pre-approval: the rules a tenant's admins set in advance (read scopes only, for cases of given severities,
 *   up to a duration), one policy document per tenant. A grant such a rule approved names it in
 *   `decided_by_rule`, and no admin (`decided_by` null).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table support_access_extensions (
      tenant_id text not null,
      id text not null,
      grant_id text not null,
      justification text not null,
      duration_minutes integer not null check (duration_minutes between 15 and 480),
      status text not null check (status in ('PENDING', 'APPROVED', 'DENIED', 'REVOKED')),
      requested timestamptz not null,
      decided_by text,
      decided_by_name text,
      decided timestamptz,
      decision_note text,
      extended_from timestamptz,
      expires timestamptz,
      primary key (tenant_id, id),
      foreign key (tenant_id, grant_id) references support_access_grants (tenant_id, id)
    );
    create index support_access_extensions_of_grant on support_access_extensions (tenant_id, grant_id, requested desc);
    create unique index support_access_extensions_one_pending on support_access_extensions (tenant_id, grant_id) where status = 'PENDING';

    alter table support_access_grants add column decided_by_rule text;

    create table support_access_policies (
      tenant_id text not null references tenants (id),
      rules jsonb not null,
      last_updated timestamptz not null,
      primary key (tenant_id)
    );
  `.execute(db);
}
