import { sql, type Kysely } from 'kysely';

/**
 * Support staff sign in to their cell's Help Center through the cell's support plane (a tenant of its own,
 * `staff-{cell}`), as customers do through their tenants. Their staff roles come from the plane's groups at
 * each sign-in and are kept with the Help Center's record of them; a customer's record has none.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table help_center_users add column staff_roles text[] not null default '{}'`.execute(db);
}
