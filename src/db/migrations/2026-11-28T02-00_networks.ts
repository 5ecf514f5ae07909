import { sql, type Kysely } from 'kysely';

/**
 * Where sign-ins come from. Each session keeps the network it was started from (AS number and organisation,
 * country when the data has it), and `sign_in_networks` keeps that history after sessions end: it is what
 * "a network this user has signed in from" means when a new factor is enrolled (CONTEXT.md, incident 1).
 * `security_alerts` is what tenant admins are shown when such a rule fires.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table sessions
      add column asn integer,
      add column as_org text,
      add column country text;

    create table sign_in_networks (
      tenant_id text not null,
      user_id text not null,
      session_id text not null,
      ip_address text,
      asn integer,
      country text,
      seen_at timestamptz not null,
      primary key (tenant_id, user_id, session_id),
      foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
    );
    create index sign_in_networks_recent on sign_in_networks (tenant_id, user_id, seen_at);

    create table security_alerts (
      tenant_id text not null references tenants (id),
      id text not null,
      type text not null,
      severity text not null,
      user_id text,
      created timestamptz not null,
      details jsonb not null,
      primary key (tenant_id, id)
    );
    create index security_alerts_recent on security_alerts (tenant_id, created desc, id);
  `.execute(db);
}
