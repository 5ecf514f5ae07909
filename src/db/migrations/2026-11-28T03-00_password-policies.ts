import { sql, type Kysely } from 'kysely';

/**
 * Per-tenant password policy (Okta's PASSWORD policy: complexity, common-password check, history, lockout),
 * one row per tenant once an admin changes it; until then the built-in defaults apply. `password_history`
 * keeps the hashes of a user's earlier passwords, as many as the policy's history count asks for.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table password_policies (
      tenant_id text primary key references tenants (id),
      id text not null,
      settings jsonb not null,
      created timestamptz not null,
      last_updated timestamptz not null
    );

    create table password_history (
      tenant_id text not null,
      user_id text not null,
      password_hash text not null,
      created timestamptz not null,
      primary key (tenant_id, user_id, created),
      foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
    );
  `.execute(db);
}
