import { sql, type Kysely } from 'kysely';

/**
 * The Help Center (src/helpcenter), the support plane's front door: one per cell, on its own host. Customers
 * sign in to it through their own tenant's OpenID Connect provider; `help_center_users` keeps only what a
 * support case needs of the identity that came back (data minimisation): the tenant, the user's id there,
 * name, email and admin roles, refreshed at each sign-in. `help_center_sessions` are the Help Center's own
 * sessions, apart from the tenant's: the cookie's value is kept only as a SHA-256 hash, looked up alone
 * because the Help Center's host names a cell, not a tenant.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table help_center_users (
      tenant_id text not null references tenants (id),
      id text not null,
      cell text not null,
      subject text not null,
      name text not null,
      email text,
      admin_roles text[] not null,
      created timestamptz not null,
      last_sign_in timestamptz not null,
      primary key (tenant_id, id),
      unique (tenant_id, subject)
    );
    create index help_center_users_cell on help_center_users (cell, tenant_id);

    create table help_center_sessions (
      tenant_id text not null references tenants (id),
      id text not null,
      token_hash text not null unique,
      cell text not null,
      user_id text not null,
      amr text[] not null,
      created timestamptz not null,
      last_active timestamptz not null,
      expires timestamptz not null,
      ended timestamptz,
      end_reason text,
      primary key (tenant_id, id),
      foreign key (tenant_id, user_id) references help_center_users (tenant_id, id) on delete cascade
    );
    create index help_center_sessions_user on help_center_sessions (tenant_id, user_id, created);
  `.execute(db);
}
