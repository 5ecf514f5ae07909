import { sql, type Kysely } from 'kysely';

/**
 * Tenants, directory, admin roles, API tokens and the System Log. Every tenant-scoped table leads its
 * primary key with tenant_id so that it can be distributed by tenant (Citus) without a rewrite.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table tenants (
      id text primary key,
      slug text not null unique,
      name text not null,
      cell text not null,
      log_retention_days integer not null default 365 check (log_retention_days between 1 and 3650),
      created timestamptz not null
    );

    create table users (
      tenant_id text not null references tenants (id),
      id text not null,
      status text not null,
      login_lower text not null,
      profile jsonb not null,
      password_hash text,
      created timestamptz not null,
      activated timestamptz,
      status_changed timestamptz,
      last_login timestamptz,
      last_updated timestamptz not null,
      password_changed timestamptz,
      primary key (tenant_id, id),
      unique (tenant_id, login_lower)
    );
    create index users_status on users (tenant_id, status, id);

    create table groups (
      tenant_id text not null references tenants (id),
      id text not null,
      type text not null,
      name text not null,
      name_lower text not null,
      description text,
      created timestamptz not null,
      last_updated timestamptz not null,
      last_membership_updated timestamptz not null,
      primary key (tenant_id, id),
      unique (tenant_id, name_lower)
    );

    create table group_members (
      tenant_id text not null,
      group_id text not null,
      user_id text not null,
      created timestamptz not null,
      primary key (tenant_id, group_id, user_id),
      foreign key (tenant_id, group_id) references groups (tenant_id, id) on delete cascade,
      foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
    );
    create index group_members_user on group_members (tenant_id, user_id);

    create table admin_roles (
      tenant_id text not null,
      id text not null,
      user_id text not null,
      type text not null,
      created timestamptz not null,
      last_updated timestamptz not null,
      primary key (tenant_id, id),
      unique (tenant_id, user_id, type),
      foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
    );

    create table api_tokens (
      tenant_id text not null,
      id text not null,
      name text not null,
      user_id text not null,
      token_hash text not null unique,
      created timestamptz not null,
      last_updated timestamptz not null,
      last_used timestamptz,
      expires_at timestamptz,
      primary key (tenant_id, id),
      foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
    );

    create table log_chain_heads (
      tenant_id text primary key references tenants (id),
      seq bigint not null,
      hash text not null,
      anchor_seq bigint not null default 0,
      anchor_hash text not null
    );

    create table log_events (
      tenant_id text not null,
      seq bigint not null,
      uuid uuid not null,
      published timestamptz not null,
      event_type text not null,
      actor_id text,
      event text not null,
      hash text not null,
      primary key (tenant_id, seq)
    );
    create index log_events_published on log_events (tenant_id, published, seq);
    create index log_events_actor on log_events (tenant_id, actor_id, published);
    create index log_events_type on log_events (tenant_id, event_type, published);

    create table log_checkpoints (
      tenant_id text not null,
      seq bigint not null,
      hash text not null,
      signed_at timestamptz not null,
      key_id text not null,
      signature text not null,
      primary key (tenant_id, seq)
    );
  `.execute(db);
}
