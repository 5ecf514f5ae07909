/** Okta's statuses (users, factors, rules, zones) in the words Okta's admin console shows them. */
const STATUS_LABELS: Record<string, string> = {
  STAGED: 'Staged',
  PROVISIONED: 'Pending user action',
  ACTIVE: 'Active',
  RECOVERY: 'Password reset',
  PASSWORD_EXPIRED: 'Password expired',
  LOCKED_OUT: 'Locked out',
  SUSPENDED: 'Suspended',
  DEPROVISIONED: 'Deactivated',
  INACTIVE: 'Inactive',
  PENDING_ACTIVATION: 'Pending activation',
  NOT_SETUP: 'Not set up',
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}
