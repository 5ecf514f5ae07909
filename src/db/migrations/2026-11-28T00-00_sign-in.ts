import { sql, type Kysely } from 'kysely';

/**
 * Sign-in (issue 4, first part): the failed-password counter behind lockout, Okta's two short-lived tokens
 * of the Classic Authentication API (the stateToken of an unfinished sign-in, the one-time sessionToken of a
 * finished one) and server-side sessions. Every token is stored only as its SHA-256. A passkey sign-in does
 * not know its user until the passkey answers, so a transaction's user may be null.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table users add column failed_logins integer not null default 0;

    create table authn_transactions (
      tenant_id text not null,
      token_hash text not null,
      user_id text,
      status text not null,
      created timestamptz not null,
      expires_at timestamptz not null,
      primary key (tenant_id, token_hash),
      foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
    );
    create index authn_transactions_user on authn_transactions (tenant_id, user_id);

    create table session_tokens (
      tenant_id text not null,
      token_hash text not null,
      user_id text not null,
      amr text[] not null,
      created timestamptz not null,
      expires_at timestamptz not null,
      primary key (tenant_id, token_hash),
      foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
    );
    create index session_tokens_user on session_tokens (tenant_id, user_id);

    create table sessions (
      tenant_id text not null,
      id text not null,
      token_hash text not null,
      user_id text not null,
      amr text[] not null,
      created timestamptz not null,
      last_password_verification timestamptz,
      last_factor_verification timestamptz,
      last_seen timestamptz not null,
      expires_at timestamptz not null,
      ip_address text,
      user_agent text,
      primary key (tenant_id, id),
      unique (tenant_id, token_hash),
      foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
    );
    create index sessions_user on sessions (tenant_id, user_id);
  `.execute(db);
}
