import { sql, type Kysely } from 'kysely';

/**
 * Admin sessions (docs/admin-sessions.md). An admin console session is a row of `sessions` bound to a device
 * key: the browser's public key (`device_jwk`, its RFC 7638 thumbprint in `device_jkt`), whose proofs every
 * admin request carries. `last_phishing_resistant` is when the session's user last proved a passkey, which
 * protected actions ask to be recent. `admin_session_settings` holds a tenant's own timeouts, network binding
 * and protected-action window; a tenant without a row has the defaults.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table sessions
      add column device_jkt text,
      add column device_jwk jsonb,
      add column last_phishing_resistant timestamptz;

    create table admin_session_settings (
      tenant_id text primary key references tenants (id),
      idle_minutes integer not null check (idle_minutes between 5 and 120),
      max_minutes integer not null check (max_minutes between 15 and 1440),
      protected_action_minutes integer not null check (protected_action_minutes between 1 and 60),
      asn_binding boolean not null,
      allowed_asns bigint[] not null,
      allowed_ranges text[] not null,
      last_updated timestamptz not null,
      check (idle_minutes <= max_minutes)
    );
  `.execute(db);
}
