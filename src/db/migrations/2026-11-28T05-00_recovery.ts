import { sql, type Kysely } from 'kysely';

/**
 * Password recovery (issue 4): the one-time recovery tokens an admin's `reset_password` issues (the same shape
 * as enrollment links, and like them stored only as SHA-256), the unfinished recoveries (a self-service one
 * may have no user: an unknown username gets a transaction too, so that it answers like a real one), and
 * recovery codes, a factor of their own (one set per user) whose one-time codes are kept only as SHA-256 hashes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table recovery_tokens (
      tenant_id text not null,
      token_hash text not null,
      user_id text not null,
      created timestamptz not null,
      expires_at timestamptz not null,
      primary key (tenant_id, token_hash),
      foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
    );
    create index recovery_tokens_user on recovery_tokens (tenant_id, user_id);

    create table recovery_transactions (
      tenant_id text not null,
      token_hash text not null,
      user_id text,
      status text not null,
      self_service boolean not null,
      factor_type text,
      amr text[] not null,
      challenge text,
      created timestamptz not null,
      expires_at timestamptz not null,
      primary key (tenant_id, token_hash),
      foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
    );
    create index recovery_transactions_user on recovery_transactions (tenant_id, user_id);

    create table recovery_codes (
      tenant_id text not null,
      factor_id text not null,
      code_hash text not null,
      primary key (tenant_id, factor_id, code_hash),
      foreign key (tenant_id, factor_id) references factors (tenant_id, id) on delete cascade
    );
    create unique index factors_one_recovery_code on factors (tenant_id, user_id) where factor_type = 'recovery_code';
  `.execute(db);
}
