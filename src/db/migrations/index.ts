import type { Migration } from 'kysely/migration';
import * as foundation from './2026-11-23T00-00_foundation.ts';
import * as checkpointBatches from './2026-11-23T01-00_checkpoint-batches.ts';
import * as signIn from './2026-11-28T00-00_sign-in.ts';
import * as factors from './2026-11-28T01-00_factors.ts';
import * as networks from './2026-11-28T02-00_networks.ts';
import * as passwordPolicies from './2026-11-28T03-00_password-policies.ts';
import * as enrollmentLinks from './2026-11-28T04-00_enrollment-links.ts';
import * as recovery from './2026-11-28T05-00_recovery.ts';
import * as signOnPolicies from './2026-11-28T06-00_sign-on-policies.ts';
import * as adminSessions from './2026-11-28T07-00_admin-sessions.ts';
import * as apps from './2026-11-28T10-00_apps.ts';
import * as oidc from './2026-11-28T11-00_oidc.ts';
import * as helpCenter from './2026-11-29T00-00_help-center.ts';
import * as logAppend from './2026-11-29T01-00_log-append.ts';
import * as supportCases from './2026-11-29T02-00_support-cases.ts';
import * as supportStaff from './2026-11-29T03-00_support-staff.ts';
import * as caseAttachments from './2026-11-29T04-00_case-attachments.ts';
import * as supportReports from './2026-11-29T05-00_support-reports.ts';
import * as caseAssignment from './2026-11-29T06-00_case-assignment.ts';
import * as supportAccess from './2026-11-29T07-00_support-access.ts';
import * as supportAccessTokens from './2026-11-29T08-00_support-access-tokens.ts';
import * as privilegedVerification from './2026-11-29T09-00_privileged-verification.ts';
import * as staffSessionHygiene from './2026-11-29T09-30_staff-session-hygiene.ts';
import * as supportAccessPolicies from './2026-11-29T10-00_support-access-policies.ts';
import * as staffDeviceKeys from './2026-11-29T11-00_staff-device-keys.ts';
import * as remediations from './2026-11-30T00-00_remediations.ts';
import * as investigations from './2026-11-30T02-00_investigations.ts';
import * as detectionCursors from './2026-11-30T04-00_detection-cursors.ts';

/** Ordered by name; a new migration is added here and never edited once released. */
export const migrations: Record<string, Migration> = {
  '2026-11-23T00-00_foundation': foundation,
  '2026-11-23T01-00_checkpoint-batches': checkpointBatches,
  '2026-11-28T00-00_sign-in': signIn,
  '2026-11-28T01-00_factors': factors,
  '2026-11-28T02-00_networks': networks,
  '2026-11-28T03-00_password-policies': passwordPolicies,
  '2026-11-28T04-00_enrollment-links': enrollmentLinks,
  '2026-11-28T05-00_recovery': recovery,
  '2026-11-28T06-00_sign-on-policies': signOnPolicies,
  '2026-11-28T07-00_admin-sessions': adminSessions,
  '2026-11-28T10-00_apps': apps,
  '2026-11-28T11-00_oidc': oidc,
  '2026-11-29T00-00_help-center': helpCenter,
  '2026-11-29T01-00_log-append': logAppend,
  '2026-11-29T02-00_support-cases': supportCases,
  '2026-11-29T03-00_support-staff': supportStaff,
  '2026-11-29T04-00_case-attachments': caseAttachments,
  '2026-11-29T05-00_support-reports': supportReports,
  '2026-11-29T06-00_case-assignment': caseAssignment,
  '2026-11-29T07-00_support-access': supportAccess,
  '2026-11-29T08-00_support-access-tokens': supportAccessTokens,
  '2026-11-29T09-00_privileged-verification': privilegedVerification,
  '2026-11-29T09-30_staff-session-hygiene': staffSessionHygiene,
  '2026-11-29T10-00_support-access-policies': supportAccessPolicies,
  '2026-11-29T11-00_staff-device-keys': staffDeviceKeys,
  '2026-11-30T00-00_remediations': remediations,
  '2026-11-30T02-00_investigations': investigations,
  '2026-11-30T04-00_detection-cursors': detectionCursors,
};
