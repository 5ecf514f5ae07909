import { sql, type Kysely } from 'kysely';

/**
 * Support access grants (src/support-access): support staff hold no standing access to any tenant. A staff
 * member asks for access to one tenant against an open case of it, with a justification, the scopes needed
 * and a duration; the tenant's admin approves (possibly narrower) or denies; a request not decided within
 * `decide_by` (12 hours) lapses, an approved grant ends at `expires`, and either side may revoke it sooner.
 * The staff member is named by their record in the cell's support plane (`plane_id`, `staff_id`), as they
 * were when they asked.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table support_access_grants (
      tenant_id text not null references tenants (id),
      id text not null,
      case_id text not null,
      cell text not null,
      plane_id text not null references tenants (id),
      staff_id text not null,
      staff_subject text not null,
      staff_name text not null,
      staff_email text,
      justification text not null,
      scopes text[] not null check (cardinality(scopes) > 0),
      duration_minutes integer not null check (duration_minutes between 15 and 480),
      status text not null check (status in ('PENDING', 'APPROVED', 'DENIED', 'REVOKED')),
      requested timestamptz not null,
      decide_by timestamptz not null,
      decided_by text,
      decided_by_name text,
      decided timestamptz,
      decision_note text,
      expires timestamptz,
      revoked_by text,
      revoked_by_name text,
      revoked_by_kind text check (revoked_by_kind in ('ADMIN', 'STAFF')),
      revoked timestamptz,
      primary key (tenant_id, id),
      foreign key (tenant_id, case_id) references support_cases (tenant_id, id)
    );
    create index support_access_grants_of_tenant on support_access_grants (tenant_id, requested desc);
    create index support_access_grants_of_staff on support_access_grants (plane_id, staff_id, requested desc);
  `.execute(db);
}
