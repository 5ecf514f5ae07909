import { sql, type Kysely } from 'kysely';

/**
 * Device-bound support staff sessions (docs/help-center.md, "Staff sessions"). A staff Help Center session is
 * bound at sign-in to the RFC 7638 thumbprint of a key the browser cannot export (`device_jkt`); customers'
 * sessions have none. Staff downloads are navigations that cannot carry a proof, so a proved request first
 * takes a download ticket: single use, for one object, one session and one staff member, for 60 seconds, kept
 * only as the SHA-256 of its token. It lives in the plane's partition (`tenant_id` is the support plane).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table help_center_sessions add column device_jkt text;

    create table help_center_download_tickets (
      tenant_id text not null,
      id text not null,
      token_hash text not null,
      session_id text not null,
      user_id text not null,
      object text not null,
      created timestamptz not null,
      expires timestamptz not null,
      primary key (tenant_id, id)
    );
    create unique index help_center_download_tickets_token on help_center_download_tickets (token_hash);
    create index help_center_download_tickets_of_session on help_center_download_tickets (tenant_id, session_id);
  `.execute(db);
}
