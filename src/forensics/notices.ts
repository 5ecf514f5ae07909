/**
 * Telling the impacted tenants (docs/forensics.md "Notification"): for each tenant the suspects touched, who to
 * tell (its active super and org admins, as the workspace's tenant directory knows them) and a draft notice that
 * states what happened in plain words and links the tenant's signed impact report. Drafts, not mail: a person
 * reads and sends them.
 */
import { LIST, listValue, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import type { BlastRadius } from './investigate.ts';
import type { TenantEntry } from './tenant-directory.ts';

export type Notice = {
  tenant: string;
  name: string | null;
  contacts: TenantEntry['contacts'];
  events: number;
  users: number;
  firstSeen: string;
  lastSeen: string;
  eventTypes: string[];
  reportUrl: string;
  subject: string;
  body: string;
};

const day = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/** Reads the contacts of the touched tenants from the workspace's directory (empty for imports without one). */
async function contactsOf(conn: DuckDBConnection, tenants: readonly string[]): Promise<Map<string, TenantEntry['contacts']>> {
  const found = new Map<string, TenantEntry['contacts']>();
  if (tenants.length === 0) return found;
  const reader = await conn.runAndReadAll(`SELECT tenant, contacts::VARCHAR AS contacts FROM tenants WHERE list_contains($tenants, tenant)`, { tenants: listValue([...tenants]) }, { tenants: LIST(VARCHAR) });
  for (const row of reader.getRowObjectsJson()) found.set(String(row['tenant']), JSON.parse(String(row['contacts'])) as TenantEntry['contacts']);
  return found;
}

/**
 * One draft per touched tenant. `reportUrl(tenant)` is where that tenant's report will be (a portal link, or
 * the path of the file sent along).
 */
export async function draftNotices(conn: DuckDBConnection, blast: BlastRadius, reportUrl: (tenant: string) => string, sender: string): Promise<Notice[]> {
  const contacts = await contactsOf(conn, blast.tenants.map((t) => t.tenant));
  return blast.tenants.map((t) => {
    const who = t.name ?? t.tenant;
    const url = reportUrl(t.tenant);
    const subject = `Security notice: activity on ${who} during "${blast.incident.name}"`;
    const body = [
      `Hello,`,
      '',
      `We are writing about a security incident, "${blast.incident.name}". Between ${day(blast.incident.window.since)} and ${day(blast.incident.window.until)}, accounts we consider compromised acted on your tenant ${who}.`,
      '',
      `What we found on your tenant:`,
      `- ${t.events} action${t.events === 1 ? '' : 's'}, the first at ${day(t.firstSeen)} and the last at ${day(t.lastSeen)};`,
      `- ${t.users} of your users ${t.users === 1 ? 'was' : 'were'} the target of one or more of them;`,
      `- kinds of action: ${t.eventTypes.join(', ')}.`,
      '',
      `The attached impact report lists every action, what it changed and which users it affected:`,
      url,
      `It is signed; you can check it was not altered with \`bulwark report verify\` and the public key we published.`,
      '',
      `What we recommend: review the users it names, force a password reset and a factor reset for those whose password or factors changed in the window (Bulwark's remediation does this with a dry run first), and end their sessions.`,
      '',
      `We are sorry for this. Reply to this message with any question.`,
      '',
      sender,
    ].join('\n');
    return { tenant: t.tenant, name: t.name, contacts: contacts.get(t.tenant) ?? [], events: t.events, users: t.users, firstSeen: t.firstSeen, lastSeen: t.lastSeen, eventTypes: t.eventTypes, reportUrl: url, subject, body };
  });
}
