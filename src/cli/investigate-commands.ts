import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { stringify as csvStringify } from 'csv-stringify/sync';
import { Command, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { IncidentError, parseIncident, type Incident, type IncidentInput } from '#src/forensics/incident.ts';
import { actorsOfIp, eventsOfSession, Investigation, sessionsOfActor, type BlastRadius, type SourceInfo, type TimelineEntry, type Window } from '#src/forensics/investigate.ts';
import { copyLiveWindow } from '#src/forensics/live-source.ts';
import { draftNotices } from '#src/forensics/notices.ts';
import { REPORT_FORMATS, tenantDirectory, writeImpactReports, type ReportFormat } from '#src/forensics/report-files.ts';
import { loadReportKey } from '#src/forensics/report-signing.ts';
import { checkWorkspaceName, openMemoryWorkspace, openWorkspace, workspacePath, WorkspaceError, type Workspace } from '#src/forensics/workspace.ts';
import { CliError, cliConfig, print, printJson, printTable, tenantBySlug, withDatabase } from './context.ts';
import { collect, parseInteger } from './parse.ts';

type SourceOptions = { workspace?: string; live?: boolean; liveTenant?: string[] };
type IncidentOptions = {
  incident?: string; name?: string; since?: string; until?: string;
  actor?: string[]; login?: string[]; ip?: string[]; cidr?: string[]; asn?: string[]; userAgent?: string[]; grant?: string;
};


function sourceOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--workspace <name>', 'investigate a workspace of imported exports (docs/forensics.md)').conflicts('live'))
    .option('--live', 'investigate the live System Log of every tenant (copied for the window into memory first)')
    .option('--live-tenant <slug>', 'with --live: only this tenant (repeatable)', collect);
}

function incidentOptions(cmd: Command): Command {
  return cmd
    .option('--incident <file>', 'the incident as JSON or YAML: {name, window: {since, until}, suspects: {actorIds, logins, ips, cidrs, asns, userAgents, grantId}}')
    .option('--name <text>', 'incident name (reports show it)')
    .option('--since <time>', 'window start, ISO 8601 with a zone (inclusive)')
    .option('--until <time>', 'window end, ISO 8601 with a zone (exclusive)')
    .option('--actor <id>', 'suspect actor id (repeatable)', collect)
    .option('--login <pattern>', 'suspect login or email, * matches any text (repeatable)', collect)
    .option('--ip <address>', 'suspect client IP address (repeatable)', collect)
    .option('--cidr <block>', 'suspect network, e.g. 203.0.113.0/24 (repeatable)', collect)
    .option('--asn <number>', 'suspect autonomous system number (repeatable)', collect)
    .option('--user-agent <text>', 'suspect user agent, matched as a substring (repeatable)', collect)
    .option('--grant <id>', 'a support access grant id: everything done under it');
}

/** The incident from `--incident FILE`, with any flag given on the command line taking precedence. */
function incidentFrom(o: IncidentOptions): Incident {
  let base: Partial<IncidentInput> = {};
  if (o.incident !== undefined) {
    if (!existsSync(o.incident)) throw new CliError(`no such file: ${o.incident}`);
    try {
      base = parseYaml(readFileSync(o.incident, 'utf8')) as Partial<IncidentInput>;
    } catch (err) {
      throw new CliError(`${o.incident} is not JSON or YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
    if (typeof base !== 'object' || base === null || Array.isArray(base)) throw new CliError(`${o.incident} must hold an object`);
  }
  const asns = o.asn?.map((a) => {
    if (!/^(AS)?\d{1,10}$/i.test(a)) throw new CliError(`--asn must be a number such as 13335 or AS13335, got "${a}"`);
    return Number(a.replace(/^AS/i, ''));
  });
  const flags = { actorIds: o.actor, logins: o.login, ips: o.ip, cidrs: o.cidr, asns, userAgents: o.userAgent, grantId: o.grant };
  const suspects = { ...(base.suspects ?? {}), ...Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) };
  const window = { ...(base.window ?? {}), ...(o.since === undefined ? {} : { since: o.since }), ...(o.until === undefined ? {} : { until: o.until }) };
  try {
    return parseIncident({ ...base, ...(o.name === undefined ? {} : { name: o.name }), window, suspects });
  } catch (err) {
    if (err instanceof IncidentError) throw new CliError(err.message.replace(/^window\.(since|until): Invalid input.*$/, 'window: give --since and --until (or an --incident file)'));
    throw err;
  }
}

function workspaceName(name: string): string {
  try {
    checkWorkspaceName(name);
  } catch (err) {
    if (err instanceof WorkspaceError) throw new CliError(err.message);
    throw err;
  }
  if (!existsSync(workspacePath(cliConfig().dataDir, name))) throw new CliError(`no workspace named "${name}" (see \`bulwark workspaces list\`)`);
  return name;
}

/**
 * Opens the source for `window` and runs `work` on it. A workspace is read as it is; the live System Log is
 * first copied for the window (all tenants, or the `--live-tenant` ones) into a workspace in memory.
 */
async function withSource<T>(o: SourceOptions, window: { since: Date; until: Date } | null, work: (ws: Workspace, source: SourceInfo) => Promise<T>): Promise<T> {
  if (o.workspace === undefined && !o.live) throw new CliError('name the source: --workspace NAME or --live');
  if (o.liveTenant && !o.live) throw new CliError('--live-tenant needs --live');
  if (o.workspace !== undefined) {
    const ws = await openWorkspace(cliConfig().dataDir, workspaceName(o.workspace), { readOnly: true });
    try {
      return await work(ws, { kind: 'workspace', name: o.workspace });
    } finally {
      ws.close();
    }
  }
  if (window === null) throw new CliError('--live needs a window: --since and --until');
  return withDatabase(async (db) => {
    const tenantIds = o.liveTenant ? await Promise.all(o.liveTenant.map(async (slug) => (await tenantBySlug(db, slug)).id)) : null;
    const ws = await openMemoryWorkspace('live');
    try {
      const copied = await copyLiveWindow(db, ws, window.since, window.until, tenantIds);
      process.stderr.write(`Copied ${copied.imported} events of the live System Log (${copied.tenants} tenants) for ${window.since.toISOString()} to ${window.until.toISOString()}.\n`);
      return await work(ws, { kind: 'live', name: tenantIds === null ? 'all tenants' : o.liveTenant!.join(', ') });
    } finally {
      ws.close();
    }
  });
}

const windowOf = (incident: Incident) => ({ since: new Date(incident.window.since), until: new Date(incident.window.until) });
const short = (iso: string | null) => (iso === null ? '' : iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z'));
const join = (list: readonly string[] | null, max = 4) => (list === null ? '' : list.length > max ? `${list.slice(0, max).join(', ')} +${list.length - max}` : list.join(', '));

function printBlastRadius(b: BlastRadius): void {
  const t = b.totals;
  print(`${b.incident.name}: ${b.incident.window.since} to ${b.incident.window.until}, ${b.source.kind} ${b.source.name}`);
  print(t.events === 0 ? 'No events of the suspects on customer tenants.'
    : `${t.events} events by ${t.actors} actors on ${t.tenants} tenants, ${t.users} users targeted, ${t.eventTypes} event types; first ${short(t.firstSeen)}, last ${short(t.lastSeen)}`);
  for (const p of b.supportPlanes) {
    print(`Also ${p.events} events in the support plane ${p.name ?? p.tenant} (the staff side; not a customer, left out of the counts above): ${join(p.eventTypes, 6)}.`);
    if (p.customers.length === 0) continue;
    print(`Those events were about ${p.customers.length} customer tenant${p.customers.length === 1 ? '' : 's'}:`);
    printTable(['TENANT', 'NAME', 'EVENTS', 'FIRST SEEN', 'LAST SEEN'],
      p.customers.map((o) => [o.tenant, o.name ?? '', String(o.events), short(o.firstSeen), short(o.lastSeen)]));
  }
  if (t.events === 0) return;
  print();
  printTable(['TENANT', 'NAME', 'EVENTS', 'USERS', 'FIRST SEEN', 'LAST SEEN', 'EVENT TYPES'],
    b.tenants.map((r) => [r.tenant, r.name ?? '', String(r.events), String(r.users), short(r.firstSeen), short(r.lastSeen), join(r.eventTypes)]));
  print();
  printTable(['EVENT TYPE', 'EVENTS', 'TENANTS', 'USERS', 'FIRST SEEN', 'LAST SEEN'],
    b.actions.map((r) => [r.eventType, String(r.events), String(r.tenants), String(r.users), short(r.firstSeen), short(r.lastSeen)]));
  print();
  printTable(['ACTOR', 'LOGIN', 'TYPE', 'EVENTS', 'TENANTS', 'IP ADDRESSES'],
    b.actors.map((r) => [r.id ?? '', r.alternateId ?? '', r.type ?? '', String(r.events), String(r.tenants), join(r.ipAddresses)]));
}

function printTimeline(entries: TimelineEntry[]): void {
  printTable(['PUBLISHED', 'TENANT', 'EVENT TYPE', 'OUTCOME', 'ACTOR', 'IP', 'TARGETS', 'UUID'],
    entries.map((e) => [short(e.published), e.tenant, e.eventType, e.outcome ?? '', e.actorAlternateId ?? e.actorId ?? '', e.ipAddress ?? '',
      join(e.targets.map((x) => x.alternateId ?? x.id ?? ''), 2), e.uuid]));
}


export function investigateCommands(program: Command): void {
  const inv = program.command('investigate')
    .description('Investigate an incident over a workspace or the live System Log: blast radius, timeline, pivots (docs/forensics.md)');

  const blast = inv.command('blast-radius', { isDefault: true })
    .description('Tenants touched, users targeted, actions by event type and actors, with counts and first/last seen (the default)')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nAn event is the suspects\' when it falls in the window and matches any one indicator given.\n\nExample:\n  $ bulwark investigate --workspace sim --login "agent7@*" --since 2022-01-16T00:00:00Z --until 2022-01-21T00:00:00Z');
  incidentOptions(sourceOptions(blast)).action(async (o: SourceOptions & IncidentOptions & { json?: boolean }) => {
    const incident = incidentFrom(o);
    await withSource(o, windowOf(incident), async (ws, source) => {
      const b = await (await Investigation.open(ws, incident, source)).blastRadius();
      if (o.json) printJson(b);
      else printBlastRadius(b);
    });
  });

  const timeline = inv.command('timeline')
    .description('The suspects\' events in time order, a page at a time')
    .option('--tenant <id>', 'only this tenant')
    .option('--limit <n>', 'events per page (1-10000, default 100)', (v: string) => parseInteger(v, '--limit', 1, 10_000), 100)
    .option('--after <cursor>', 'the page after this cursor (printed at the end of the previous page)')
    .option('--json', 'print as JSON');
  incidentOptions(sourceOptions(timeline)).action(async (o: SourceOptions & IncidentOptions & { tenant?: string; limit: number; after?: string; json?: boolean }) => {
    const incident = incidentFrom(o);
    if (o.after !== undefined && !/^\d{4}-\d{2}-\d{2}T[\d:.]+Z\|[0-9a-f-]{36}$/.test(o.after)) throw new CliError('--after must be a cursor printed by a previous page');
    await withSource(o, windowOf(incident), async (ws, source) => {
      const page = await (await Investigation.open(ws, incident, source)).timeline({ limit: o.limit, ...(o.after === undefined ? {} : { after: o.after }), ...(o.tenant === undefined ? {} : { tenant: o.tenant }) });
      if (o.json) return printJson(page);
      printTimeline(page.entries);
      if (page.next !== null) print(`\nMore: --after '${page.next}'`);
    });
  });

  const reports = inv.command('reports')
    .description('Write a signed impact report for every tenant the suspects touched: DIR/{tenant}/impact-report.{json,csv,html,pdf} and .sig files')
    .requiredOption('--out <dir>', 'directory to write the reports into (created)')
    .option('--format <list>', `comma-separated formats out of ${REPORT_FORMATS.join(', ')}`, 'json,pdf')
    .option('--tenant <id>', 'only this tenant (repeatable)', collect)
    .option('--json', 'print what was written as JSON');
  incidentOptions(sourceOptions(reports)).action(async (o: SourceOptions & IncidentOptions & { out: string; format: string; tenant?: string[]; json?: boolean }) => {
    const incident = incidentFrom(o);
    const formats = [...new Set(o.format.split(',').map((f) => f.trim().toLowerCase()))];
    const unknown = formats.find((f) => !(REPORT_FORMATS as readonly string[]).includes(f));
    if (unknown !== undefined) throw new CliError(`--format takes ${REPORT_FORMATS.join(', ')}, got "${unknown}"`);
    const config = cliConfig();
    await withSource(o, windowOf(incident), async (ws, source) => {
      const inv = await Investigation.open(ws, incident, source);
      const impacts = await inv.impacts(new Date(), o.tenant);
      const started = performance.now();
      const written = await writeImpactReports(impacts, o.out, { formats: formats as ReportFormat[], key: loadReportKey(config.dataDir), chromiumPath: config.chromiumPath });
      const seconds = Math.round(performance.now() - started) / 1000;
      if (o.json) return printJson({ reports: written.length, seconds, written });
      printTable(['TENANT', 'ACTIONS', 'USERS', 'DIRECTORY'], written.map((w) => [w.tenantId, String(w.actions), String(w.affectedUsers), w.directory]));
      print(`Wrote ${written.length} signed reports (${formats.join(', ')}) in ${seconds} s; check one with \`bulwark report verify FILE\`.`);
    });
  });

  const notify = inv.command('notify')
    .description('Draft a notice for every tenant the suspects touched, with its admin contacts and a link to its impact report: DIR/notifications.csv and DIR/{tenant}/notice.txt')
    .requiredOption('--out <dir>', 'directory to write the drafts into (created); the same as `reports --out` to keep each notice beside its report')
    .option('--report-url <base>', 'where the tenants will find their reports: BASE/{tenant}/impact-report.pdf (default: the report file under --out)')
    .option('--sender <text>', 'signature of the notices', 'The Bulwark security team')
    .option('--json', 'print the drafts as JSON');
  incidentOptions(sourceOptions(notify)).action(async (o: SourceOptions & IncidentOptions & { out: string; reportUrl?: string; sender: string; json?: boolean }) => {
    const incident = incidentFrom(o);
    if (o.reportUrl !== undefined && !/^https:\/\/[^\s]+$/.test(o.reportUrl)) throw new CliError(`--report-url must be an https:// URL, got "${o.reportUrl}"`);
    await withSource(o, windowOf(incident), async (ws, source) => {
      const blast = await (await Investigation.open(ws, incident, source)).blastRadius();
      const link = (tenant: string) => (o.reportUrl === undefined
        ? joinPath(o.out, tenantDirectory(tenant), 'impact-report.pdf')
        : `${o.reportUrl.replace(/\/+$/, '')}/${tenantDirectory(tenant)}/impact-report.pdf`);
      const notices = await draftNotices(ws.connection, blast, link, o.sender);
      mkdirSync(o.out, { recursive: true, mode: 0o700 });
      for (const n of notices) {
        const dir = joinPath(o.out, tenantDirectory(n.tenant));
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const to = n.contacts.map((c) => (c.name ? `${c.name} <${c.email}>` : c.email)).join(', ');
        writeFileSync(joinPath(dir, 'notice.txt'), `To: ${to || '(no admin contact known: find one before sending)'}\nSubject: ${n.subject}\n\n${n.body}\n`, { mode: 0o600 });
      }
      const rows = notices.map((n) => ({ tenant: n.tenant, name: n.name ?? '', contacts: n.contacts.map((c) => c.email).join(' '), events: n.events, users: n.users, first_seen: n.firstSeen, last_seen: n.lastSeen, report: n.reportUrl }));
      writeFileSync(joinPath(o.out, 'notifications.csv'), csvStringify(rows, { header: true, columns: ['tenant', 'name', 'contacts', 'events', 'users', 'first_seen', 'last_seen', 'report'], escape_formulas: true }), { mode: 0o600 });
      if (o.json) return printJson(notices);
      const missing = notices.filter((n) => n.contacts.length === 0).length;
      print(`Drafted ${notices.length} notices in ${o.out} (notifications.csv and one notice.txt per tenant)${missing > 0 ? `; ${missing} tenants have no known admin contact` : ''}.`);
    });
  });

  const pivot = inv.command('pivot')
    .description('From one indicator to what else it touches: ip → actors, actor → sessions, session → events')
    .argument('<kind>', 'ip, actor or session')
    .argument('<value>', 'the IP address, actor id or login, or session id (externalSessionId or rootSessionId)')
    .option('--since <time>', 'only events at or after this time')
    .option('--until <time>', 'only events before this time')
    .option('--json', 'print as JSON');
  sourceOptions(pivot).action(async (kind: string, value: string, o: SourceOptions & { since?: string; until?: string; json?: boolean }) => {
    if (!['ip', 'actor', 'session'].includes(kind)) throw new CliError(`pivot from ip, actor or session, got "${kind}"`);
    let window: Window | undefined;
    if (o.since !== undefined || o.until !== undefined) {
      if (o.since === undefined || o.until === undefined) throw new CliError('give both --since and --until, or neither');
      try {
        window = parseIncident({ window: { since: o.since, until: o.until }, suspects: { actorIds: ['-'] } }).window;
      } catch (err) {
        throw new CliError(err instanceof Error ? err.message : String(err));
      }
    }
    const liveWindow = window ? { since: new Date(window.since), until: new Date(window.until) } : null;
    await withSource(o, liveWindow, async (ws) => {
      if (kind === 'ip') {
        const found = await actorsOfIp(ws, value, window);
        if (o.json) return printJson(found);
        printTable(['ACTOR', 'LOGIN', 'TYPE', 'EVENTS', 'TENANTS', 'SESSIONS', 'FIRST SEEN', 'LAST SEEN'],
          found.map((r) => [r.actorId ?? '', r.alternateId ?? '', r.type ?? '', String(r.events), String(r.tenants), String(r.sessions), short(r.firstSeen), short(r.lastSeen)]));
      } else if (kind === 'actor') {
        const found = await sessionsOfActor(ws, value, window);
        if (o.json) return printJson(found);
        printTable(['SESSION', 'TENANT', 'EVENTS', 'FIRST SEEN', 'LAST SEEN', 'IP ADDRESSES', 'ASNS'],
          found.map((r) => [r.sessionId, r.tenant, String(r.events), short(r.firstSeen), short(r.lastSeen), join(r.ipAddresses), join(r.asNumbers.map(String))]));
      } else {
        const found = await eventsOfSession(ws, value, window);
        if (o.json) return printJson(found);
        printTimeline(found);
      }
    });
  });
}
