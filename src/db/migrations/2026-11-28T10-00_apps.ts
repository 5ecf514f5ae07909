import { sql, type Kysely } from 'kysely';

/**
 * OpenID Connect apps (src/apps): Okta's `oidc_client` Application, its client secrets and its assignments.
 * `apps.client_id` is unique within the tenant only, because a Citus-distributed table can hold no unique key
 * without `tenant_id`; ids carry ~101 random bits, so the same value in two tenants does not happen. Secrets
 * keep their SHA-256 only. Assignments go with their app, user or group (`on delete cascade`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table apps (
      tenant_id text not null references tenants (id),
      id text not null,
      client_id text not null,
      label text not null,
      status text not null check (status in ('ACTIVE', 'INACTIVE')),
      token_endpoint_auth_method text not null check (token_endpoint_auth_method in ('client_secret_basic', 'private_key_jwt', 'none')),
      application_type text not null check (application_type in ('web', 'native', 'browser')),
      redirect_uris text[] not null,
      post_logout_redirect_uris text[] not null,
      grant_types text[] not null,
      response_types text[] not null,
      consent_method text not null check (consent_method in ('REQUIRED', 'TRUSTED')),
      initiate_login_uri text,
      jwks jsonb,
      auto_key_rotation boolean not null,
      created timestamptz not null,
      last_updated timestamptz not null,
      primary key (tenant_id, id),
      unique (tenant_id, client_id)
    );

    create table app_client_secrets (
      tenant_id text not null,
      id text not null,
      app_id text not null,
      secret_hash text not null,
      hint text not null,
      status text not null check (status in ('ACTIVE', 'INACTIVE')),
      created timestamptz not null,
      last_updated timestamptz not null,
      primary key (tenant_id, id),
      foreign key (tenant_id, app_id) references apps (tenant_id, id) on delete cascade
    );
    create index app_client_secrets_app on app_client_secrets (tenant_id, app_id);

    create table app_user_assignments (
      tenant_id text not null,
      app_id text not null,
      user_id text not null,
      created timestamptz not null,
      last_updated timestamptz not null,
      primary key (tenant_id, app_id, user_id),
      foreign key (tenant_id, app_id) references apps (tenant_id, id) on delete cascade,
      foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
    );
    create index app_user_assignments_user on app_user_assignments (tenant_id, user_id);

    create table app_group_assignments (
      tenant_id text not null,
      app_id text not null,
      group_id text not null,
      priority integer not null check (priority >= 0),
      created timestamptz not null,
      last_updated timestamptz not null,
      primary key (tenant_id, app_id, group_id),
      foreign key (tenant_id, app_id) references apps (tenant_id, id) on delete cascade,
      foreign key (tenant_id, group_id) references groups (tenant_id, id) on delete cascade
    );
    create index app_group_assignments_group on app_group_assignments (tenant_id, group_id);
  `.execute(db);
}
