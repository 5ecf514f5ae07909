import { sql, type Kysely } from 'kysely';

/**
 * Support staff session hygiene (docs/help-center.md, "Staff sessions"). A Help Center session keeps the network
 * it started from (address, AS number and organisation): a staff session is bound to that AS, as admin console
 * sessions are. A support token can be revoked on its own, apart from its grant: clearing a staff member's
 * sessions ends the tokens they hold while the grants, which are the tenants' decisions, stay as they are.
 * The indexes find a staff member's grants by their account in the plane, and a grant's tokens.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table help_center_sessions
      add column ip_address text,
      add column asn integer,
      add column as_org text;

    alter table support_access_tokens
      add column revoked timestamptz;
    create index support_access_tokens_of_grant on support_access_tokens (tenant_id, grant_id);
    create index support_access_grants_of_staff_subject on support_access_grants (plane_id, staff_subject);
  `.execute(db);
}
