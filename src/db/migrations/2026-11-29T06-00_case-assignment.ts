import { sql, type Kysely } from 'kysely';

/**
 * Support staff take cases: `assignee_id` is the staff member's record in the cell's support plane
 * (help_center_users of `staff-{cell}`, so no foreign key from the customer's tenant), with their name as it
 * was when assigned. A case being worked on is IN_PROGRESS.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table support_cases
      add column assignee_id text,
      add column assignee_name text,
      drop constraint support_cases_status_check,
      add constraint support_cases_status_check check (status in ('OPEN', 'IN_PROGRESS', 'WAITING_ON_CUSTOMER', 'CLOSED')),
      add constraint support_cases_assignee check ((assignee_id is null) = (assignee_name is null));
    create index support_cases_assignee on support_cases (cell, assignee_id, last_updated) where assignee_id is not null;
  `.execute(db);
}
