import { sql, type Kysely } from 'kysely';

/**
 * Each tenant is an OpenID Connect provider (src/oidc). `oidc_models` holds what oidc-provider stores through
 * its adapter (authorization codes, access and refresh tokens, grants, interactions, sessions), one row per
 * model instance, with the columns it looks things up by. `oidc_signing_keys` holds the tenant's signing
 * keys: the private JWK sealed with the installation's secrets key, the public one as is; a key that is
 * rotated out keeps verifying until `retire_after`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table oidc_models (
      tenant_id text not null references tenants (id),
      model text not null,
      id text not null,
      payload jsonb not null,
      grant_id text,
      uid text,
      expires_at timestamptz,
      consumed_at timestamptz,
      primary key (tenant_id, model, id)
    );
    create index oidc_models_grant on oidc_models (tenant_id, grant_id) where grant_id is not null;
    create index oidc_models_uid on oidc_models (tenant_id, uid) where uid is not null;
    create index oidc_models_expiry on oidc_models (expires_at);

    create table oidc_signing_keys (
      tenant_id text not null references tenants (id),
      kid text not null,
      alg text not null,
      public_jwk jsonb not null,
      private_jwk_sealed text not null,
      created timestamptz not null,
      retire_after timestamptz,
      primary key (tenant_id, kid)
    );
  `.execute(db);
}
