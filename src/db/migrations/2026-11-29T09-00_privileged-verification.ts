import { sql, type Kysely } from 'kysely';

/**
 * Verification of the person before a help-desk reset of a privileged account (src/verification,
 * docs/privileged-verification.md). An admin asks to verify the user (`requested_by`) for one action; the user
 * proves it is them with a passkey they already hold, through a one-time link kept only as its SHA-256
 * (`link_token_hash`, with the WebAuthn `challenge` out for it), or a second admin attests it (`verifier_*`,
 * `statement`). A request not verified by `verify_by` lapses; a verified one is good until `use_by`, for one
 * reset by its requester of that user (`used`). EXPIRED is never stored: it is PENDING or VERIFIED past its time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table privileged_verifications (
      tenant_id text not null,
      id text not null,
      user_id text not null,
      requested_by text not null,
      requested_by_name text not null,
      action text not null check (action in ('RESET_PASSWORD', 'RESET_FACTORS')),
      method text not null check (method in ('TARGET_PASSKEY', 'ADMIN_ATTESTATION')),
      status text not null check (status in ('PENDING', 'VERIFIED', 'DENIED', 'USED')),
      created timestamptz not null,
      verify_by timestamptz not null,
      decided timestamptz,
      use_by timestamptz,
      verifier_id text,
      verifier_name text,
      statement text,
      link_token_hash text,
      challenge text,
      used timestamptz,
      primary key (tenant_id, id),
      foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade,
      check ((method = 'TARGET_PASSKEY') = (link_token_hash is not null))
    );
    create unique index privileged_verifications_link on privileged_verifications (tenant_id, link_token_hash) where link_token_hash is not null;
    create index privileged_verifications_usable on privileged_verifications (tenant_id, user_id, requested_by, action) where status = 'VERIFIED';
  `.execute(db);
}
