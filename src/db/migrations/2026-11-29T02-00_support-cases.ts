import { sql, type Kysely } from 'kysely';

/**
 * Support cases of the Help Center (src/cases). A case belongs to one tenant and to the cell whose Help Center
 * it was opened in; `number` is what people quote on the phone. `opened_by` is the Help Center's record of the
 * customer (help_center_users), not the tenant's user: the support plane keeps only what a case needs.
 * `search` serves the staff's full-text search. Comments are the conversation, customer and staff alike.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create sequence support_case_numbers start 1001;

    create table support_cases (
      tenant_id text not null references tenants (id),
      id text not null,
      number bigint not null unique default nextval('support_case_numbers'),
      cell text not null,
      title text not null,
      description text not null,
      severity text not null check (severity in ('SEV1', 'SEV2', 'SEV3', 'SEV4')),
      product_area text not null,
      status text not null check (status in ('OPEN', 'WAITING_ON_CUSTOMER', 'CLOSED')),
      opened_by text not null,
      created timestamptz not null,
      last_updated timestamptz not null,
      closed timestamptz,
      search tsvector generated always as (to_tsvector('simple', title || ' ' || description)) stored,
      primary key (tenant_id, id),
      foreign key (tenant_id, opened_by) references help_center_users (tenant_id, id)
    );
    create index support_cases_of_tenant on support_cases (tenant_id, last_updated desc);
    create index support_cases_queue on support_cases (cell, status, last_updated);
    create index support_cases_search on support_cases using gin (search);

    create table support_case_comments (
      tenant_id text not null,
      case_id text not null,
      id text not null,
      author_kind text not null check (author_kind in ('CUSTOMER', 'STAFF')),
      author_id text not null,
      author_name text not null,
      body text not null,
      created timestamptz not null,
      primary key (tenant_id, case_id, id),
      foreign key (tenant_id, case_id) references support_cases (tenant_id, id) on delete cascade
    );
  `.execute(db);
}
