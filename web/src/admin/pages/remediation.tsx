/** A remediation plan as /api/v1/remediations answers it (docs/remediation.md). */
export type RemediationStatus = 'PLANNED' | 'APPROVED' | 'APPLYING' | 'COMPLETED' | 'CANCELLED' | 'EXPIRED';

export type Actor = { id: string; type: string; name: string };

export type Criteria = {
  window: { since: string; until: string };
  passwordOrFactorChange: boolean;
  targetedBy: { actorIds: string[] } | null;
  signedInFrom: { ips: string[]; cidrs: string[]; asns: number[] } | null;
};

export type Remediation = {
  id: string;
  name: string;
  status: RemediationStatus;
  criteria: Criteria;
  actions: string[];
  created: string;
  createdBy: Actor;
  dryRunExpiresAt: string;
  approval: { by: Actor; at: string } | null;
  applying: { startedBy: Actor; started: string } | null;
  completed: string | null;
  cancellation: { by: Actor; at: string } | null;
  counts: { users: number; items: number; pending: number; done: number; skipped: number; failed: number };
};

export type Evidence = { uuid: string; eventType: string; published: string; ipAddress: string | null; asNumber: number | null; actor: { id: string; displayName: string | null } };

export type PlanItem = { action: string; state: 'PENDING' | 'DONE' | 'SKIPPED' | 'FAILED'; reason: string | null; finished: string | null };

export type PlanUser = {
  id: string;
  login: string;
  displayName: string;
  status: string | null;
  adminRoles: string[];
  matched: string[];
  evidence: Record<string, { count: number; events: Evidence[] }>;
  items: PlanItem[];
};

export type Plan = Remediation & { users: PlanUser[] };

export const ACTIONS = ['FORCE_PASSWORD_RESET', 'RESET_FACTORS', 'REVOKE_TOKENS', 'CLEAR_SESSIONS'] as const;

export const ACTION_LABELS: Record<string, string> = {
  FORCE_PASSWORD_RESET: 'Force a password reset',
  RESET_FACTORS: 'Reset factors',
  REVOKE_TOKENS: 'Revoke tokens',
  CLEAR_SESSIONS: 'Clear sessions',
};

export const CRITERION_LABELS: Record<string, string> = {
  PASSWORD_OR_FACTOR_CHANGE: 'Password or factor changed',
  TARGETED_BY: 'Targeted by a suspect',
  SIGNED_IN_FROM: 'Signed in from a suspect network',
};

export const STATUS_LABELS: Record<RemediationStatus, string> = {
  PLANNED: 'Planned, waiting for approval',
  APPROVED: 'Approved',
  APPLYING: 'Applying',
  COMPLETED: 'Completed',
  CANCELLED: 'Cancelled',
  EXPIRED: 'Dry run expired',
};

export const ITEM_LABELS: Record<PlanItem['state'], string> = { PENDING: 'To do', DONE: 'Done', SKIPPED: 'Skipped', FAILED: 'Failed' };

export function RemediationStatusBadge({ status }: { status: RemediationStatus }) {
  return <span className={`badge badge-remediation-${status.toLowerCase()}`}>{STATUS_LABELS[status]}</span>;
}
