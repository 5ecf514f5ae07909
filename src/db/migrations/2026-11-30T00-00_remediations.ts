import { sql, type Kysely } from 'kysely';

/**
 * Remediation after an incident (docs/remediation.md): a plan of actions on a tenant's users, selected from its
 * own System Log, approved by a second admin and applied one item at a time.
 * - `remediations`: the plan, its criteria and actions as asked, and who created, approved, applied or
 *   cancelled it (`{ id, type, name }`, the System Log actor).
 * - `remediation_targets`: each user the dry run selected, as they were then (status null: no longer a user),
 *   the criteria they matched and the events that matched them.
 * - `remediation_items`: one per user and action. An item's state moves from PENDING once, in the transaction
 *   that applies it and logs it, so a crash leaves each item done or not done, never half.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table remediations (
      tenant_id text not null references tenants (id),
      id text not null,
      name text not null,
      status text not null check (status in ('PLANNED', 'APPROVED', 'APPLYING', 'COMPLETED', 'CANCELLED')),
      criteria jsonb not null,
      actions text[] not null,
      created timestamptz not null,
      created_by jsonb not null,
      approved timestamptz,
      approved_by jsonb,
      apply_started timestamptz,
      applied_by jsonb,
      completed timestamptz,
      cancelled timestamptz,
      cancelled_by jsonb,
      primary key (tenant_id, id)
    );
    create index remediations_newest on remediations (tenant_id, created desc, id desc);

    create table remediation_targets (
      tenant_id text not null,
      remediation_id text not null,
      user_id text not null,
      position integer not null,
      login text not null,
      display_name text not null,
      status text,
      admin_roles text[] not null,
      matched jsonb not null,
      primary key (tenant_id, remediation_id, user_id),
      foreign key (tenant_id, remediation_id) references remediations (tenant_id, id)
    );

    create table remediation_items (
      tenant_id text not null,
      remediation_id text not null,
      user_id text not null,
      action text not null check (action in ('FORCE_PASSWORD_RESET', 'RESET_FACTORS', 'REVOKE_TOKENS', 'CLEAR_SESSIONS')),
      position integer not null,
      state text not null check (state in ('PENDING', 'DONE', 'SKIPPED', 'FAILED')),
      reason text,
      finished timestamptz,
      primary key (tenant_id, remediation_id, user_id, action),
      foreign key (tenant_id, remediation_id, user_id) references remediation_targets (tenant_id, remediation_id, user_id)
    );
    create index remediation_items_pending on remediation_items (tenant_id, remediation_id, position) where state = 'PENDING';
  `.execute(db);
}
