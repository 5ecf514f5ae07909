import { sql, type Kysely } from 'kysely';

/**
 * One-time, short-lived links through which a user enrolls a passkey without any other credential: how an
 * invited user starts, how the first super admin starts, and the legitimate way to add a factor from a new
 * network. Stored only as the SHA-256 of the token.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table enrollment_links (
      tenant_id text not null,
      token_hash text not null,
      user_id text not null,
      created timestamptz not null,
      expires_at timestamptz not null,
      primary key (tenant_id, token_hash),
      foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
    );
    create index enrollment_links_user on enrollment_links (tenant_id, user_id);
  `.execute(db);
}
