/**
 * An incident as an investigator defines it (docs/forensics.md "Investigation"): a time window and the
 * indicators that make an event the suspects' own. Checked once here, so the queries can trust it.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { cidrList } from '#src/policy/zones.ts';
import type { Incident } from './impact.ts';

export type { Incident };

/** A window as long as the longest log retention Bulwark allows (3,650 days); a longer one is a typo. */
const MAX_WINDOW_DAYS = 3650;

const isoTime = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)), {
  message: 'must be an ISO 8601 time with a zone, e.g. 2022-01-16T00:00:00Z',
});
const text = z.string().trim().min(1).max(512);

const incidentSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).default('Incident'),
  window: z.strictObject({ since: isoTime, until: isoTime }),
  suspects: z.strictObject({
    actorIds: z.array(text).max(1000).optional(),
    logins: z.array(text).max(1000).optional(),
    ips: z.array(z.string().refine((s) => isIP(s) !== 0, { message: 'must be an IPv4 or IPv6 address' })).max(10_000).optional(),
    cidrs: z.array(z.string()).max(1000).optional(),
    asns: z.array(z.number().int().min(0).max(4_294_967_295)).max(1000).optional(),
    userAgents: z.array(text).max(100).optional(),
    grantId: text.optional(),
  }),
});

export type IncidentInput = z.input<typeof incidentSchema>;

export class IncidentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncidentError';
  }
}

/** Checks an incident and returns it with its times in UTC (`…Z`) and empty indicator lists dropped. */
export function parseIncident(input: unknown): Incident {
  const parsed = incidentSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new IncidentError(`${issue?.path.join('.') || 'incident'}: ${issue?.message ?? 'is not valid'}`);
  }
  const { name, window, suspects } = parsed.data;
  const since = new Date(window.since);
  const until = new Date(window.until);
  if (since >= until) throw new IncidentError('window: since must be before until');
  if (until.getTime() - since.getTime() > MAX_WINDOW_DAYS * 86_400_000) throw new IncidentError(`window: at most ${MAX_WINDOW_DAYS} days`);
  const cidrs = suspects.cidrs ?? [];
  const checked = cidrList(cidrs);
  if ('invalid' in checked) throw new IncidentError(`suspects.cidrs: ${checked.invalid} is not a CIDR block`);
  const kept: Incident['suspects'] = {};
  for (const [k, v] of Object.entries(suspects) as [keyof Incident['suspects'], unknown][]) {
    if (Array.isArray(v) ? v.length > 0 : v !== undefined) Object.assign(kept, { [k]: Array.isArray(v) ? [...new Set(v)] : v });
  }
  if (Object.keys(kept).length === 0) throw new IncidentError('suspects: name at least one actor id, login pattern, IP, CIDR, ASN, user agent or support grant');
  return { name, window: { since: since.toISOString(), until: until.toISOString() }, suspects: kept };
}

/** A login or email pattern: `*` stands for any text, everything else is literal (case-insensitive). */
export function likePattern(pattern: string): string {
  return pattern.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`).replaceAll('*', '%');
}
