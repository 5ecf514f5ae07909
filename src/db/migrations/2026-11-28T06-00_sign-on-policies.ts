import { sql, type Kysely } from 'kysely';

/**
 * Sign-on policies. `network_zones` are Okta's network zones (IP ranges, or ASNs and countries) that rules
 * name in their network condition. `sign_on_rules` are the ordered rules of a tenant's one sign-on policy,
 * stored once an admin changes any of them; until then the built-in rules apply. A sign-in is for an app
 * (`app`), carried from its transaction to its sessionToken and session, and the session keeps the idle and
 * maximum lifetimes the matched rule gave it. Rows from before this migration get the old defaults (2 h idle,
 * 12 h at most) and the end-user dashboard.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table network_zones (
      tenant_id text not null references tenants (id),
      id text not null,
      name text not null,
      type text not null check (type in ('IP', 'DYNAMIC')),
      status text not null check (status in ('ACTIVE', 'INACTIVE')),
      gateways jsonb not null,
      asns text[] not null,
      countries text[] not null,
      created timestamptz not null,
      last_updated timestamptz not null,
      primary key (tenant_id, id),
      unique (tenant_id, name)
    );

    create table sign_on_rules (
      tenant_id text not null references tenants (id),
      id text not null,
      name text not null,
      priority integer not null check (priority >= 1),
      status text not null check (status in ('ACTIVE', 'INACTIVE')),
      system text check (system in ('ADMIN_CONSOLE', 'DEFAULT')),
      conditions jsonb not null,
      actions jsonb not null,
      created timestamptz not null,
      last_updated timestamptz not null,
      primary key (tenant_id, id),
      unique (tenant_id, name)
    );

    alter table authn_transactions add column app text not null default 'dashboard';
    alter table session_tokens
      add column app text not null default 'dashboard',
      add column idle_minutes integer not null default 120,
      add column max_minutes integer not null default 720;
    alter table sessions
      add column app text not null default 'dashboard',
      add column idle_minutes integer not null default 120,
      add column max_minutes integer not null default 720;
    alter table authn_transactions alter column app drop default;
    alter table session_tokens alter column app drop default, alter column idle_minutes drop default, alter column max_minutes drop default;
    alter table sessions alter column app drop default, alter column idle_minutes drop default, alter column max_minutes drop default;
  `.execute(db);
}
