import { sql, type Kysely } from 'kysely';

/**
 * Second factors (Okta's Factors API): TOTP and WebAuthn passkeys. A TOTP shared secret is sealed with the
 * installation's secrets key (src/lib/secret-box.ts) and bound to its tenant and factor id; `last_time_step`
 * is the newest TOTP step accepted, so no code is accepted twice; a user has one TOTP factor per provider.
 * A passkey's public key, sign counter and backup flags live in `webauthn_credentials`, found by credential
 * id at sign-in; a user may have several. A sign-in transaction remembers which methods it has already
 * passed (`amr`), so that a factor checked before a password change still counts after it, and the WebAuthn
 * challenge it is waiting for, with the passkey factor it was issued for when it is a second factor.
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
      foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
    );
    create index factors_user on factors (tenant_id, user_id);
    create unique index factors_one_totp on factors (tenant_id, user_id, provider) where factor_type = 'token:software:totp';

    create table webauthn_credentials (
      tenant_id text not null,
      factor_id text not null,
      credential_id text not null,
      public_key bytea not null,
      sign_count bigint not null,
      transports text[] not null,
      device_type text not null,
      backed_up boolean not null,
      aaguid text not null,
      primary key (tenant_id, factor_id),
      unique (tenant_id, credential_id),
      foreign key (tenant_id, factor_id) references factors (tenant_id, id) on delete cascade
    );

    alter table authn_transactions
      add column amr text[] not null default '{pwd}',
      add column challenge text,
      add column factor_id text;
  `.execute(db);
}
