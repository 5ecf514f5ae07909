/** A saved investigation and its answers, as /api/v1/investigations gives them (docs/forensics.md). */
import { adminFetch, errorOf } from '../client.ts';
import { download } from './log-export.ts';

export type Suspects = { actorIds?: string[]; logins?: string[]; ips?: string[]; cidrs?: string[]; asns?: number[]; userAgents?: string[]; grantId?: string };

export type Investigation = {
  id: string;
  name: string;
  window: { since: string; until: string };
  suspects: Suspects;
  created: string;
  createdBy: { id: string; displayName: string };
};

export type Seen = { events: number; firstSeen: string; lastSeen: string };

/** The engine's lists of addresses are null where no event had one. */
export type BlastRadius = {
  totals: { events: number; users: number; actors: number; eventTypes: number; firstSeen: string | null; lastSeen: string | null };
  users: (Seen & { id: string; alternateId: string | null; displayName: string | null; eventTypes: string[] })[];
  actions: (Seen & { eventType: string; users: number })[];
  actors: (Seen & { id: string | null; alternateId: string | null; type: string | null; ipAddresses: string[] | null })[];
};

export type TimelineEntry = {
  uuid: string;
  published: string;
  eventType: string;
  displayMessage: string | null;
  outcome: string | null;
  actorId: string | null;
  actorAlternateId: string | null;
  actorType: string | null;
  ipAddress: string | null;
  sessionId: string | null;
  targets: { id: string | null; type: string | null; alternateId: string | null; displayName: string | null }[];
};

export type Timeline = { entries: TimelineEntry[]; next: string | null };

export type PivotKind = 'ip' | 'actor' | 'session';

/** One step of a pivot: an address, an actor (by id; `label` is its login) or a session. */
export type PivotStep = { kind: PivotKind; value: string; label?: string };

/** The actors that used an address. */
export type IpPivot = (Seen & { actorId: string | null; alternateId: string | null; type: string | null; sessions: number })[];
/** The sessions an actor acted in, with where from. */
export type ActorPivot = (Seen & { sessionId: string; ipAddresses: string[] | null; asNumbers: number[] | null })[];

export const investigationPath = (id: string) => `/api/v1/investigations/${encodeURIComponent(id)}`;

/** Each kind of indicator, as the form labels it and as a list names it. */
export const SUSPECT_WORDS: Record<keyof Suspects, string> = {
  actorIds: 'actor', logins: 'login', ips: 'IP', cidrs: 'network', asns: 'AS', userAgents: 'user agent', grantId: 'support grant',
};

/** The indicators in a line each, such as `IP 203.0.113.7` or `login *@contractor.example`. */
export function suspectList(s: Suspects): string[] {
  const out: string[] = [];
  for (const key of Object.keys(SUSPECT_WORDS) as (keyof Suspects)[]) {
    const v = s[key];
    for (const item of v === undefined ? [] : Array.isArray(v) ? v : [v]) out.push(key === 'asns' ? `AS${item}` : `${SUSPECT_WORDS[key]} ${item}`);
  }
  return out;
}

export type ReportFormat = 'pdf' | 'json' | 'csv';

const ACCEPT: Record<ReportFormat, string> = { pdf: 'application/pdf', json: 'application/json', csv: 'text/csv' };

/** The saved report: its file name, and the detached signature's file (`FILE.sig`) saved beside it. */
export type SavedReport = { file: string; signatureFile: string; signature: string };

/**
 * Downloads the signed impact report through the console's own calls (each carries the device proof) and
 * saves it, then its detached signature, which travels base64url-encoded in a response header, as `FILE.sig`:
 * `bulwark report verify FILE` finds it there.
 */
export async function saveReport(id: string, format: ReportFormat): Promise<SavedReport> {
  const res = await adminFetch('GET', `${investigationPath(id)}/report?format=${format}`, undefined, undefined, ACCEPT[format]);
  if (!res.ok) throw await errorOf(res);
  const file = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `impact-report-${id}.${format}`;
  const signature = base64UrlText(res.headers.get('bulwark-report-signature') ?? '');
  download(await res.blob(), res.headers.get('content-type') ?? ACCEPT[format], file);
  saveSignature({ file, signatureFile: `${file}.sig`, signature });
  return { file, signatureFile: `${file}.sig`, signature };
}

export function saveSignature(saved: SavedReport): void {
  download(saved.signature, 'application/json', saved.signatureFile);
}

function base64UrlText(value: string): string {
  const base64 = value.replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
