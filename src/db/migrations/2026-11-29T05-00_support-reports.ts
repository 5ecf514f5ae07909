import { sql, type Kysely } from 'kysely';

/**
 * Reports over the support plane (src/reports) and the row history they need.
 *
 * `help_center_users` gains the contact fields a support system typically holds (the 2023 report's columns);
 * they are filled only from claims the customer's provider sends anyway, and most stay empty.
 *
 * `help_center_user_versions` keeps every version of every Help Center user, valid from/to (the current one
 * to 'infinity'), written in the statement that changes the user. Reports always read the versions as of a
 * time, so any report can be re-created exactly as it was at a past moment (download reconciliation); the
 * versions have no foreign key, so history outlives the row.
 *
 * `report_runs` are reports asked for, with the filters and fields as applied and, for a bulk export, the
 * reason and the second person's decision; `report_downloads` are the files served, with their watermark,
 * rows, byte size and SHA-256.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table help_center_users
      add column username text,
      add column time_zone text,
      add column phone text,
      add column mobile_phone text,
      add column address text,
      add column password_changed timestamptz;

    create table help_center_user_versions (
      tenant_id text not null,
      id text not null,
      valid_from timestamptz not null,
      valid_to timestamptz not null default 'infinity',
      cell text not null,
      subject text not null,
      organization_name text not null,
      name text not null,
      email text,
      username text,
      time_zone text,
      phone text,
      mobile_phone text,
      address text,
      password_changed timestamptz,
      admin_roles text[] not null,
      staff_roles text[] not null,
      created timestamptz not null,
      last_sign_in timestamptz not null,
      primary key (tenant_id, id, valid_from),
      check (valid_from < valid_to)
    );
    create index help_center_user_versions_cell on help_center_user_versions (cell, created, id);
    create index help_center_user_versions_tenant on help_center_user_versions (tenant_id, created, id);

    insert into help_center_user_versions (tenant_id, id, valid_from, cell, subject, organization_name, name, email, admin_roles, staff_roles, created, last_sign_in)
      select u.tenant_id, u.id, u.last_sign_in, u.cell, u.subject, t.name, u.name, u.email, u.admin_roles, u.staff_roles, u.created, u.last_sign_in
      from help_center_users u join tenants t on t.id = u.tenant_id;

    -- A spreadsheet runs a cell that starts with one of these as a formula (CSV injection); a leading
    -- apostrophe makes it text. Inlined by the planner, so it costs no function call per cell; ascii() looks
    -- at the first character without copying it (= + - @ tab return).
    create function bulwark_sheet_text(value text) returns text language sql immutable parallel safe
      return case when ascii(value) in (61, 43, 45, 64, 9, 13) then '''' || value else value end;

    -- UTC to the second, as '2026-11-29 10:35:00' (DateStyle ISO, which render.ts sets); stable as the cast
    -- is, so that the planner inlines it (to_char would cost twice as much per cell).
    create function bulwark_sheet_time(value timestamptz) returns text language sql stable parallel safe
      return (value at time zone 'UTC')::timestamp(0)::text;

    create function bulwark_role_descriptions(roles text[]) returns text language sql immutable parallel safe
      return (
        select string_agg(case r
          when 'SUPER_ADMIN' then 'Super administrator: everything in the organization'
          when 'ORG_ADMIN' then 'Organization administrator: users, groups and settings'
          when 'APP_ADMIN' then 'Application administrator: apps and their assignments'
          when 'USER_ADMIN' then 'Group administrator: the users of some groups'
          when 'HELP_DESK_ADMIN' then 'Help desk administrator: password and factor resets'
          when 'READ_ONLY_ADMIN' then 'Read-only administrator'
          when 'REPORT_ADMIN' then 'Report administrator: reports and the log'
          when 'AGENT' then 'Support agent: the case queue and replies'
          when 'SENIOR_AGENT' then 'Senior support agent'
          when 'SECURITY' then 'Support security: approves bulk exports, investigates'
          else r end, '; ' order by n)
        from unnest(roles) with ordinality as x(r, n)
      );

    create table report_runs (
      tenant_id text not null references tenants (id),
      id text not null,
      cell text not null,
      template text not null,
      template_version integer not null,
      filters jsonb not null,
      fields text[] not null,
      personal_fields text[] not null,
      row_count integer not null,
      bulk boolean not null,
      reason text,
      status text not null check (status in ('READY', 'PENDING_APPROVAL', 'APPROVED', 'DENIED')),
      requested_by text not null,
      requested_by_name text not null,
      created timestamptz not null,
      expires timestamptz not null,
      decided_by text,
      decided_by_name text,
      decided timestamptz,
      decision_note text,
      primary key (tenant_id, id)
    );
    create index report_runs_requester on report_runs (tenant_id, requested_by, created desc);
    create index report_runs_pending on report_runs (tenant_id, created desc) where status = 'PENDING_APPROVAL';

    create table report_downloads (
      tenant_id text not null references tenants (id),
      id text not null,
      run_id text not null,
      cell text not null,
      template text not null,
      template_version integer not null,
      filters jsonb not null,
      fields text[] not null,
      format text not null check (format in ('csv', 'xlsx')),
      as_of timestamptz not null,
      watermark text not null unique,
      canary_email text not null unique,
      row_count integer not null,
      bytes bigint,
      sha256 text,
      content_sha256 text,
      status text not null check (status in ('SERVING', 'COMPLETE', 'ABORTED')),
      downloaded_by text not null,
      downloaded_by_name text not null,
      started timestamptz not null,
      finished timestamptz,
      primary key (tenant_id, id),
      foreign key (tenant_id, run_id) references report_runs (tenant_id, id)
    );
    create index report_downloads_person on report_downloads (tenant_id, downloaded_by, started desc);
    create index report_downloads_template on report_downloads (tenant_id, template, started desc);
  `.execute(db);
}
