import { isIP } from 'node:net';
import { cidrList } from '#src/policy/zones.ts';

export const ACTIONS = ['FORCE_PASSWORD_RESET', 'RESET_FACTORS', 'REVOKE_TOKENS', 'CLEAR_SESSIONS'] as const;
export type RemediationAction = (typeof ACTIONS)[number];

export const CRITERIA = ['PASSWORD_OR_FACTOR_CHANGE', 'TARGETED_BY', 'SIGNED_IN_FROM'] as const;
export type Criterion = (typeof CRITERIA)[number];

/**
 * The events in which a password or a factor changed, as Bulwark writes them (docs/remediation.md): an admin's
 * reset or expiry of a password (an expiry may set a temporary password the admin was shown, and its event does
 * not say whether it did), a password changed by an admin, by the user or through recovery, a factor enrolled
 * (`update`, pending), activated, removed, or all of a user's reset.
 */
export const PASSWORD_OR_FACTOR_EVENTS = [
  'user.account.reset_password', 'user.account.update_password', 'user.account.expire_password',
  'user.mfa.factor.update', 'user.mfa.factor.activate', 'user.mfa.factor.deactivate', 'user.mfa.factor.reset_all',
] as const;

/** The events of a successful sign-in, or of a step of one passed (a password or a passkey proved), whose actor is the user. */
export const SIGN_IN_EVENTS = [
  'user.session.start', 'user.session.access_admin_app', 'user.authentication.verify', 'user.authentication.auth_via_mfa', 'user.authentication.sso',
] as const;

/** Criteria as a client sends them. */
export type CriteriaInput = {
  window: { since: string; until?: string };
  passwordOrFactorChange?: boolean;
  targetedBy?: { actorIds: string[] };
  signedInFrom?: { ips?: string[]; cidrs?: string[]; asns?: number[] };
};

/** Criteria checked and complete: what a plan keeps, and what its dry run read. */
export type Criteria = {
  window: { since: string; until: string };
  passwordOrFactorChange: boolean;
  targetedBy: { actorIds: string[] } | null;
  signedInFrom: { ips: string[]; cidrs: string[]; asns: number[] } | null;
};

export const MAX_WINDOW_DAYS = 90;
const DAY = 86_400_000;
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function parseDate(value: string, field: string, causes: string[]): Date | undefined {
  const d = new Date(value);
  if (ISO.test(value) && !Number.isNaN(d.getTime())) return d;
  causes.push(`${field}: not an ISO 8601 date or time, such as 2026-01-31 or 2026-01-31T12:00:00Z`);
  return undefined;
}

/**
 * Checks criteria against the clock and the tenant's log: a window within the log's retention, ending no later
 * than now, of at most 90 days, and at least one criterion. All causes at once, or the criteria as a plan keeps
 * them (the window made explicit, addresses and blocks as given).
 */
export function checkCriteria(input: CriteriaInput, now: Date, retentionStart: Date): { criteria: Criteria } | { causes: string[] } {
  const causes: string[] = [];
  const since = parseDate(input.window.since, 'criteria.window.since', causes);
  const until = input.window.until === undefined ? now : parseDate(input.window.until, 'criteria.window.until', causes);
  if (since && until) {
    if (since >= until) causes.push('criteria.window: since must be before until');
    else if (until.getTime() - since.getTime() > MAX_WINDOW_DAYS * DAY) causes.push(`criteria.window: at most ${MAX_WINDOW_DAYS} days`);
    if (until > now) causes.push('criteria.window.until: must not be in the future; leave it out to mean now');
    if (since < retentionStart) causes.push(`criteria.window.since: the System Log keeps events since ${retentionStart.toISOString()}; a window before that cannot be read whole`);
  }
  const signedIn = input.signedInFrom;
  const ips = signedIn?.ips ?? [];
  const cidrs = signedIn?.cidrs ?? [];
  const asns = signedIn?.asns ?? [];
  for (const ip of ips) if (isIP(ip) === 0) causes.push(`criteria.signedInFrom.ips: ${ip} is not an IP address`);
  const blocks = cidrList(cidrs);
  if ('invalid' in blocks) causes.push(`criteria.signedInFrom.cidrs: ${blocks.invalid} is not a CIDR block`);
  if (signedIn && ips.length + cidrs.length + asns.length === 0) causes.push('criteria.signedInFrom: name at least one address, block or AS number');
  const passwordOrFactorChange = input.passwordOrFactorChange === true;
  if (!passwordOrFactorChange && !input.targetedBy && !signedIn) {
    causes.push('criteria: at least one of passwordOrFactorChange (true), targetedBy or signedInFrom');
  }
  if (causes.length > 0 || !since || !until) return { causes };
  return {
    criteria: {
      window: { since: since.toISOString(), until: until.toISOString() },
      passwordOrFactorChange,
      targetedBy: input.targetedBy ? { actorIds: [...input.targetedBy.actorIds] } : null,
      signedInFrom: signedIn ? { ips, cidrs, asns } : null,
    },
  };
}
