import { sql, type Kysely } from 'kysely';

/**
 * Second factors (Okta's Factors API), TOTP first. The shared secret is sealed with the installation's
 * secrets key (src/lib/secret-box.ts) and bound to its tenant and factor id; `last_time_step` is the newest
 * TOTP step accepted, so no code is accepted twice. A sign-in transaction remembers which methods it has
 * already passed (`amr`), so that a factor checked before a password change still counts after it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table factors (
      tenant_id text not null,
      id text not null,
      user_id text not null,
      factor_type text not null,
      provider text not null,
      status text not null,
      secret text,
      last_time_step bigint,
      created timestamptz not null,
      last_updated timestamptz not null,
      primary key (tenant_id, id),
      unique (tenant_id, user_id, factor_type, provider),
      foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
    );

    alter table authn_transactions add column amr text[] not null default '{pwd}';
  `.execute(db);
}
