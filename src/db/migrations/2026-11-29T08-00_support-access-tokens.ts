import { sql, type Kysely } from 'kysely';

/**
 * The credentials support staff act with under a grant (src/support-access/authenticate.ts): one per
 * impersonation session, kept only as a SHA-256 hash, never outliving its grant. Every request made with one
 * checks the grant again, so a revocation or a closed case takes effect at the next request.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table support_access_tokens (
      tenant_id text not null,
      id text not null,
      grant_id text not null,
      token_hash text not null unique,
      created timestamptz not null,
      expires timestamptz not null,
      primary key (tenant_id, id),
      foreign key (tenant_id, grant_id) references support_access_grants (tenant_id, id)
    );
  `.execute(db);
}
