import type { ColumnType, Generated } from 'kysely';

/** Timestamps are written as Date and read back as Date (pg's default parser). */
type Ts = ColumnType<Date, Date, Date>;
type TsNull = ColumnType<Date | null, Date | null | undefined, Date | null>;
/** int8 arrives from pg as a string; writes take a number or a string. */
type Int8 = ColumnType<string, number | string, number | string>;

export type TenantsTable = {
  id: string;
  slug: string;
  name: string;
  cell: string;
  log_retention_days: Generated<number>;
  created: Ts;
};

export type UsersTable = {
  tenant_id: string;
  id: string;
  status: string;
  login_lower: string;
  profile: ColumnType<Record<string, unknown>, string, string>;
  password_hash: string | null;
  created: Ts;
  activated: TsNull;
  status_changed: TsNull;
  last_login: TsNull;
  last_updated: Ts;
  password_changed: TsNull;
  /** Wrong passwords since the last sign-in; reaching the policy's limit locks the account. */
  failed_logins: Generated<number>;
};

export type GroupsTable = {
  tenant_id: string;
  id: string;
  type: string;
  name: string;
  name_lower: string;
  description: string | null;
  created: Ts;
  last_updated: Ts;
  last_membership_updated: Ts;
};

export type GroupMembersTable = {
  tenant_id: string;
  group_id: string;
  user_id: string;
  created: Ts;
};

export type AdminRolesTable = {
  tenant_id: string;
  id: string;
  user_id: string;
  type: string;
  created: Ts;
  last_updated: Ts;
};

export type ApiTokensTable = {
  tenant_id: string;
  id: string;
  name: string;
  user_id: string;
  token_hash: string;
  created: Ts;
  last_updated: Ts;
  last_used: TsNull;
  expires_at: TsNull;
};

export type LogChainHeadsTable = {
  tenant_id: string;
  seq: Int8;
  hash: string;
  anchor_seq: ColumnType<string, number | string | undefined, number | string>;
  anchor_hash: string;
};

export type LogEventsTable = {
  tenant_id: string;
  seq: Int8;
  uuid: string;
  published: Ts;
  event_type: string;
  actor_id: string | null;
  event: string;
  hash: string;
};

/** One tenant head in a signed batch: its leaf index and audit path (32-byte hashes, leaf to root). */
export type LogCheckpointsTable = {
  tenant_id: string;
  seq: Int8;
  hash: string;
  batch_id: Int8;
  leaf_index: number;
  proof: Buffer;
};

/** One signature over the Merkle root of every head that moved in an interval. Global, like `tenants`. */
export type LogCheckpointBatchesTable = {
  id: ColumnType<string, number | string | undefined, never>;
  signed_at: Ts;
  key_id: string;
  root: string;
  size: number;
  signature: string;
  /** A checkpoint signed before batches existed: a one-leaf batch whose signature covers the old statement. */
  legacy: Generated<boolean>;
};

/** An unfinished Classic sign-in, found by the SHA-256 of its stateToken. */
export type AuthnTransactionsTable = {
  tenant_id: string;
  token_hash: string;
  user_id: string | null;
  status: string;
  created: Ts;
  expires_at: Ts;
  /** The methods this sign-in has passed so far (RFC 8176: pwd, otp, …). */
  amr: ColumnType<string[], string[] | undefined, string[]>;
  /** The WebAuthn challenge the sign-in waits for, if any. */
  challenge: ColumnType<string | null, string | null | undefined, string | null>;
  /** The passkey factor a second-factor challenge was issued for. */
  factor_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The app the sign-in is for, whose sign-on rule it must satisfy. */
  app: string;
};

/** A passkey: the public half of a WebAuthn credential, and what the authenticator reported of itself. */
export type WebauthnCredentialsTable = {
  tenant_id: string;
  factor_id: string;
  credential_id: string;
  public_key: Buffer;
  sign_count: ColumnType<string, number | string, number | string>;
  transports: string[];
  device_type: string;
  backed_up: boolean;
  aaguid: string;
};

/** A user's second factor; `secret` is sealed (src/lib/secret-box.ts), never stored in the clear. */
export type FactorsTable = {
  tenant_id: string;
  id: string;
  user_id: string;
  factor_type: string;
  provider: string;
  status: string;
  secret: string | null;
  last_time_step: ColumnType<string | null, number | string | null | undefined, number | string | null>;
  created: Ts;
  last_updated: Ts;
};

/** A finished sign-in's one-time sessionToken, found by its SHA-256, exchanged for a session once. */
export type SessionTokensTable = {
  tenant_id: string;
  token_hash: string;
  user_id: string;
  amr: string[];
  created: Ts;
  expires_at: Ts;
  /** The app and the lifetimes its sign-on rule gave the session this token becomes. */
  app: string;
  idle_minutes: number;
  max_minutes: number;
};

/** A server-side session; the cookie holds a secret whose SHA-256 is `token_hash`, never the id. */
export type SessionsTable = {
  tenant_id: string;
  id: string;
  token_hash: string;
  user_id: string;
  amr: string[];
  created: Ts;
  last_password_verification: TsNull;
  last_factor_verification: TsNull;
  last_seen: Ts;
  expires_at: Ts;
  ip_address: string | null;
  user_agent: string | null;
  asn: number | null;
  as_org: string | null;
  country: string | null;
  /** The app the session was started for, and the lifetimes its sign-on rule gave it. */
  app: string;
  idle_minutes: number;
  max_minutes: number;
  /** An admin session's device key (public JWK) and its thumbprint; null for any other session. */
  device_jkt: ColumnType<string | null, string | null | undefined, string | null>;
  device_jwk: ColumnType<Record<string, string> | null, string | null | undefined, string | null>;
  last_phishing_resistant: TsNull;
};

/** A tenant's admin session settings; absent: the defaults (docs/admin-sessions.md). */
/** What oidc-provider stores through its adapter (src/oidc/adapter.ts), one row per model instance. */
export type OidcModelsTable = {
  tenant_id: string;
  model: string;
  id: string;
  payload: ColumnType<Record<string, unknown>, string, string>;
  grant_id: string | null;
  uid: string | null;
  expires_at: TsNull;
  consumed_at: TsNull;
};

export type OidcSigningKeysTable = {
  tenant_id: string;
  kid: string;
  alg: string;
  public_jwk: ColumnType<Record<string, unknown>, string, string>;
  private_jwk_sealed: string;
  created: Ts;
  retire_after: TsNull;
};

export type AdminSessionSettingsTable = {
  tenant_id: string;
  idle_minutes: number;
  max_minutes: number;
  protected_action_minutes: number;
  asn_binding: boolean;
  /** int8[] arrives from pg as strings. */
  allowed_asns: ColumnType<string[], number[], number[]>;
  allowed_ranges: string[];
  last_updated: Ts;
};

/** The network each session was started from, kept after the session ends. */
export type SignInNetworksTable = {
  tenant_id: string;
  user_id: string;
  session_id: string;
  ip_address: string | null;
  asn: number | null;
  country: string | null;
  seen_at: Ts;
};

/** Something tenant admins must look at, raised by a security rule. */
export type SecurityAlertsTable = {
  tenant_id: string;
  id: string;
  type: string;
  severity: string;
  user_id: string | null;
  created: Ts;
  details: ColumnType<Record<string, unknown>, string, string>;
};

/** A tenant's password policy as Okta's `settings.password` object; absent: the defaults. */
export type PasswordPoliciesTable = {
  tenant_id: string;
  id: string;
  settings: ColumnType<Record<string, unknown>, string, string>;
  created: Ts;
  last_updated: Ts;
};

/** A user's earlier password hashes, newest kept, for the policy's history rule. */
export type PasswordHistoryTable = {
  tenant_id: string;
  user_id: string;
  password_hash: string;
  created: Ts;
};

/** An Okta network zone: IP ranges (`gateways`), or ASNs and countries (DYNAMIC). */
export type NetworkZonesTable = {
  tenant_id: string;
  id: string;
  name: string;
  type: string;
  status: string;
  gateways: ColumnType<{ type: 'CIDR' | 'RANGE'; value: string }[], string, string>;
  asns: string[];
  countries: string[];
  created: Ts;
  last_updated: Ts;
};

/** A rule of the tenant's sign-on policy; `system` marks the two built-in rules, which cannot be deleted. */
export type SignOnRulesTable = {
  tenant_id: string;
  id: string;
  name: string;
  priority: number;
  status: string;
  system: string | null;
  conditions: ColumnType<Record<string, unknown>, string, string>;
  actions: ColumnType<Record<string, unknown>, string, string>;
  created: Ts;
  last_updated: Ts;
};

/** A one-time link to enroll a passkey, found by the SHA-256 of its token. */
export type EnrollmentLinksTable = {
  tenant_id: string;
  token_hash: string;
  user_id: string;
  created: Ts;
  expires_at: Ts;
};

/** A one-time password-recovery token (an admin's reset_password), found by the SHA-256 of its token. */
export type RecoveryTokensTable = {
  tenant_id: string;
  token_hash: string;
  user_id: string;
  created: Ts;
  expires_at: Ts;
};

/**
 * An unfinished password recovery, found by the SHA-256 of its stateToken. `user_id` is null when a
 * self-service recovery named nobody; `factor_type` is the kind of factor it asked to answer with, if any.
 */
export type RecoveryTransactionsTable = {
  tenant_id: string;
  token_hash: string;
  user_id: string | null;
  status: string;
  self_service: boolean;
  factor_type: string | null;
  /** The methods (RFC 8176) the recovery has passed so far. */
  amr: string[];
  /** The WebAuthn challenge the recovery waits for, if any. */
  challenge: string | null;
  created: Ts;
  expires_at: Ts;
};

/** One unused recovery code of a recovery_code factor, by its SHA-256. */
export type RecoveryCodesTable = {
  tenant_id: string;
  factor_id: string;
  code_hash: string;
};

/** Okta's `oidc_client` apps (src/apps); list columns are PostgreSQL text arrays. */
export type AppsTable = {
  tenant_id: string;
  id: string;
  client_id: string;
  label: string;
  status: string;
  token_endpoint_auth_method: string;
  application_type: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  consent_method: string;
  initiate_login_uri: string | null;
  jwks: ColumnType<{ keys: Record<string, unknown>[] } | null, string | null, string | null>;
  auto_key_rotation: boolean;
  created: Ts;
  last_updated: Ts;
};

export type AppClientSecretsTable = {
  tenant_id: string;
  id: string;
  app_id: string;
  secret_hash: string;
  hint: string;
  status: string;
  created: Ts;
  last_updated: Ts;
};

export type AppUserAssignmentsTable = {
  tenant_id: string;
  app_id: string;
  user_id: string;
  created: Ts;
  last_updated: Ts;
};

export type AppGroupAssignmentsTable = {
  tenant_id: string;
  app_id: string;
  group_id: string;
  priority: number;
  created: Ts;
  last_updated: Ts;
};

export type HelpCenterUsersTable = {
  id: string;
  cell: string;
  tenant_id: string;
  subject: string;
  name: string;
  email: string | null;
  admin_roles: string[];
  staff_roles: Generated<string[]>;
  created: Ts;
  last_sign_in: Ts;
  username: ColumnType<string | null, string | null | undefined, string | null>;
  time_zone: ColumnType<string | null, string | null | undefined, string | null>;
  phone: ColumnType<string | null, string | null | undefined, string | null>;
  mobile_phone: ColumnType<string | null, string | null | undefined, string | null>;
  address: ColumnType<string | null, string | null | undefined, string | null>;
  password_changed: TsNull;
};

/** Every version of every Help Center user (valid_from inclusive, valid_to exclusive; the current one to 'infinity'). */
export type HelpCenterUserVersionsTable = {
  tenant_id: string;
  id: string;
  valid_from: Ts;
  valid_to: Generated<Date>;
  cell: string;
  subject: string;
  organization_name: string;
  name: string;
  email: string | null;
  username: string | null;
  time_zone: string | null;
  phone: string | null;
  mobile_phone: string | null;
  address: string | null;
  password_changed: Date | null;
  admin_roles: string[];
  staff_roles: string[];
  created: Ts;
  last_sign_in: Ts;
};

type TextNull = ColumnType<string | null, string | null | undefined, string | null>;

export type SupportAccessGrantsTable = {
  tenant_id: string;
  id: string;
  case_id: string;
  cell: string;
  plane_id: string;
  staff_id: string;
  staff_subject: string;
  staff_name: string;
  staff_email: string | null;
  justification: string;
  scopes: string[];
  duration_minutes: number;
  status: string;
  requested: Ts;
  decide_by: Ts;
  decided_by: TextNull;
  decided_by_name: TextNull;
  decided: TsNull;
  decision_note: TextNull;
  expires: TsNull;
  revoked_by: TextNull;
  revoked_by_name: TextNull;
  revoked_by_kind: TextNull;
  revoked: TsNull;
  decided_by_rule: TextNull;
};

export type SupportAccessExtensionsTable = {
  tenant_id: string;
  id: string;
  grant_id: string;
  justification: string;
  duration_minutes: number;
  status: string;
  requested: Ts;
  decided_by: TextNull;
  decided_by_name: TextNull;
  decided: TsNull;
  decision_note: TextNull;
  extended_from: TsNull;
  expires: TsNull;
};

/** One pre-approval policy per tenant: its rules as one JSON document (src/support-access/policy-service.ts). */
/** A tenant's saved investigation (src/forensics/investigations.ts): an incident to ask its own System Log about. */
export type InvestigationsTable = { tenant_id: string; id: string; name: string; incident: ColumnType<unknown, string, string>; created_by: string; created_by_name: string; created: Ts };

export type SupportAccessPoliciesTable = { tenant_id: string; rules: ColumnType<unknown[], string, string>; last_updated: Ts };

export type SupportAccessTokensTable = { tenant_id: string; id: string; grant_id: string; token_hash: string; created: Ts; expires: Ts; revoked: TsNull };

/** A verification of the person before a help-desk reset of a privileged account (src/verification). */
export type PrivilegedVerificationsTable = {
  tenant_id: string;
  id: string;
  user_id: string;
  requested_by: string;
  requested_by_name: string;
  action: string;
  method: string;
  status: string;
  created: Ts;
  verify_by: Ts;
  decided: TsNull;
  use_by: TsNull;
  verifier_id: TextNull;
  verifier_name: TextNull;
  statement: TextNull;
  link_token_hash: TextNull;
  challenge: TextNull;
  used: TsNull;
};

export type ReportRunsTable = {
  tenant_id: string;
  id: string;
  cell: string;
  template: string;
  template_version: number;
  filters: ColumnType<Record<string, string>, string, string>;
  fields: string[];
  personal_fields: string[];
  row_count: number;
  bulk: boolean;
  reason: string | null;
  status: string;
  requested_by: string;
  requested_by_name: string;
  created: Ts;
  expires: Ts;
  decided_by: string | null;
  decided_by_name: string | null;
  decided: TsNull;
  decision_note: string | null;
};

export type ReportDownloadsTable = {
  tenant_id: string;
  id: string;
  run_id: string;
  cell: string;
  template: string;
  template_version: number;
  filters: ColumnType<Record<string, string>, string, string>;
  fields: string[];
  format: string;
  as_of: Ts;
  watermark: string;
  canary_email: string;
  row_count: number;
  bytes: ColumnType<string | null, number | null, number | null>;
  sha256: string | null;
  content_sha256: string | null;
  status: string;
  downloaded_by: string;
  downloaded_by_name: string;
  started: Ts;
  finished: TsNull;
};

export type HelpCenterSessionsTable = {
  id: string;
  token_hash: string;
  cell: string;
  tenant_id: string;
  user_id: string;
  amr: string[];
  created: Ts;
  last_active: Ts;
  expires: Ts;
  ended: TsNull;
  end_reason: string | null;
  ip_address: string | null;
  asn: number | null;
  as_org: string | null;
  /** A staff session's device key (RFC 7638 thumbprint); null for customers. */
  device_jkt: ColumnType<string | null, string | null | undefined, string | null>;
};

/** Single-use download tickets of staff sessions, by the SHA-256 of their token. */
export type HelpCenterDownloadTicketsTable = {
  tenant_id: string;
  id: string;
  token_hash: string;
  session_id: string;
  user_id: string;
  object: string;
  created: Ts;
  expires: Ts;
};

export type SupportCasesTable = {
  tenant_id: string;
  id: string;
  number: Generated<string>;
  cell: string;
  title: string;
  description: string;
  severity: string;
  product_area: string;
  status: string;
  opened_by: string;
  created: Ts;
  last_updated: Ts;
  closed: TsNull;
  search: Generated<string>;
  assignee_id: ColumnType<string | null, string | null | undefined, string | null>;
  assignee_name: ColumnType<string | null, string | null | undefined, string | null>;
};

export type SupportCaseCommentsTable = {
  tenant_id: string;
  case_id: string;
  id: string;
  author_kind: string;
  author_id: string;
  author_name: string;
  body: string;
  created: Ts;
};

export type SupportCaseAttachmentsTable = {
  tenant_id: string;
  case_id: string;
  id: string;
  file_name: string;
  kind: string;
  size: string;
  sha256: string;
  removed: ColumnType<Record<string, number>, string, string>;
  content: Buffer;
  uploaded_by_kind: string;
  uploaded_by: string;
  uploaded_by_name: string;
  created: Ts;
};

/** Who acted on a remediation, as the System Log names its actor: `{ id, type, name }` (src/remediation). */
type ActorRef = ColumnType<{ id: string; type: string; name: string }, string, string>;
type ActorRefNull = ColumnType<{ id: string; type: string; name: string } | null, string | null | undefined, string | null>;

export type RemediationsTable = {
  tenant_id: string;
  id: string;
  name: string;
  status: string;
  criteria: ColumnType<Record<string, unknown>, string, string>;
  actions: string[];
  created: Ts;
  created_by: ActorRef;
  approved: TsNull;
  approved_by: ActorRefNull;
  apply_started: TsNull;
  applied_by: ActorRefNull;
  completed: TsNull;
  cancelled: TsNull;
  cancelled_by: ActorRefNull;
};

export type RemediationTargetsTable = {
  tenant_id: string;
  remediation_id: string;
  user_id: string;
  position: number;
  login: string;
  display_name: string;
  status: TextNull;
  admin_roles: string[];
  matched: ColumnType<Record<string, unknown>, string, string>;
};

export type RemediationItemsTable = {
  tenant_id: string;
  remediation_id: string;
  user_id: string;
  action: string;
  position: number;
  state: string;
  reason: TextNull;
  finished: TsNull;
};

/** How far the detection worker has read each tenant's System Log (src/detections). */
export type DetectionCursorsTable = {
  tenant_id: string;
  seq: Int8;
  updated: Ts;
};

export type Database = {
  tenants: TenantsTable;
  users: UsersTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  admin_roles: AdminRolesTable;
  api_tokens: ApiTokensTable;
  log_chain_heads: LogChainHeadsTable;
  log_events: LogEventsTable;
  log_checkpoints: LogCheckpointsTable;
  log_checkpoint_batches: LogCheckpointBatchesTable;
  authn_transactions: AuthnTransactionsTable;
  session_tokens: SessionTokensTable;
  sessions: SessionsTable;
  factors: FactorsTable;
  webauthn_credentials: WebauthnCredentialsTable;
  sign_in_networks: SignInNetworksTable;
  security_alerts: SecurityAlertsTable;
  password_policies: PasswordPoliciesTable;
  password_history: PasswordHistoryTable;
  enrollment_links: EnrollmentLinksTable;
  recovery_tokens: RecoveryTokensTable;
  recovery_transactions: RecoveryTransactionsTable;
  recovery_codes: RecoveryCodesTable;
  network_zones: NetworkZonesTable;
  sign_on_rules: SignOnRulesTable;
  admin_session_settings: AdminSessionSettingsTable;
  oidc_models: OidcModelsTable;
  oidc_signing_keys: OidcSigningKeysTable;
  apps: AppsTable;
  app_client_secrets: AppClientSecretsTable;
  app_user_assignments: AppUserAssignmentsTable;
  app_group_assignments: AppGroupAssignmentsTable;
  help_center_users: HelpCenterUsersTable;
  help_center_sessions: HelpCenterSessionsTable;
  help_center_download_tickets: HelpCenterDownloadTicketsTable;
  support_cases: SupportCasesTable;
  support_case_comments: SupportCaseCommentsTable;
  support_case_attachments: SupportCaseAttachmentsTable;
  help_center_user_versions: HelpCenterUserVersionsTable;
  report_runs: ReportRunsTable;
  report_downloads: ReportDownloadsTable;
  support_access_grants: SupportAccessGrantsTable;
  support_access_tokens: SupportAccessTokensTable;
  privileged_verifications: PrivilegedVerificationsTable;
  support_access_extensions: SupportAccessExtensionsTable;
  support_access_policies: SupportAccessPoliciesTable;
  remediations: RemediationsTable;
  investigations: InvestigationsTable;
  remediation_targets: RemediationTargetsTable;
  remediation_items: RemediationItemsTable;
  detection_cursors: DetectionCursorsTable;
};
