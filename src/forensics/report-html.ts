import type { ImpactReport, AffectedUser, ChangeCount, OutcomeCount, ReportAction } from './report-model.ts';

/**
 * The report as one self-contained HTML document (inline CSS, no scripts, no external assets), also the source
 * of the PDF. Every value from an event is attacker-controlled text, so each one goes through `esc`, and the
 * Content-Security-Policy forbids scripts and loads should an escape ever be missed.
 */

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: string | number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** `2022-01-21 14:32:05 UTC`; a value that is no date is shown as given. */
export function displayTime(iso: string | null): string {
  if (iso === null) return '';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A time for a narrow table cell: breaks between date and time only. */
function timeCell(iso: string | null): string {
  const [date = '', ...rest] = displayTime(iso).split(' ');
  return `<span class="nw">${esc(date)}</span> <span class="nw">${esc(rest.join(' '))}</span>`;
}

/** Escaped, with break opportunities after . _ @ /: logins, ids and event types wrap at their parts. */
function breakable(value: string | null): string {
  return esc(value).replace(/[._@/]/g, '$&<wbr>');
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

const outcomesText = (list: readonly OutcomeCount[]) => list.map((o) => `${o.count} ${o.result}`).join(', ');

const STYLE = `
@page { size: A4; margin: 18mm 14mm 18mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt; line-height: 1.4; color: #1a1a1a; margin: 0; }
main { max-width: 190mm; margin: 0 auto; padding: 0 4mm; }
h1 { font-size: 22pt; margin: 0 0 4mm; }
h2 { font-size: 14pt; margin: 8mm 0 3mm; border-bottom: 1px solid #888; padding-bottom: 1mm; break-after: avoid; }
h3 { font-size: 11pt; margin: 5mm 0 2mm; break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; }
th, td { border: 1px solid #c8c8c8; padding: 1.2mm 1.6mm; text-align: left; vertical-align: top; overflow-wrap: anywhere; unicode-bidi: isolate; }
th { background: #eceff3; font-weight: bold; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
td.num, th.num { text-align: right; white-space: nowrap; }
.nw { white-space: nowrap; }
h2 + p { break-after: avoid; }
table.actions { font-size: 7.8pt; }
tr.failed td { color: #666; }
.mono { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 0.92em; }
.muted { color: #555; }
.cover { min-height: 240mm; display: flex; flex-direction: column; justify-content: center; break-after: page; }
.cover .kicker { text-transform: uppercase; letter-spacing: 0.08em; color: #8a1c1c; font-weight: bold; margin: 0 0 6mm; }
.cover .incident { font-size: 14pt; margin: 0 0 10mm; }
dl.facts { display: grid; grid-template-columns: 45mm 1fr; gap: 2mm 4mm; margin: 0 0 10mm; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; unicode-bidi: isolate; }
.box { border: 1px solid #c8c8c8; background: #f7f8fa; padding: 3mm 4mm; }
ul.changes { margin: 0; padding-left: 4mm; }
`;

function fact(label: string, value: string): string {
  return `<dt>${esc(label)}</dt><dd>${value}</dd>`;
}

function sourceText(r: ImpactReport): string {
  return r.source.kind === 'live' ? `Bulwark System Log (${r.source.name})` : `Investigation workspace "${r.source.name}" (imported System Log exports)`;
}

const tenantLabel = (r: ImpactReport) => r.tenant.name ?? r.tenant.id;

function cover(r: ImpactReport): string {
  const s = r.summary;
  return `<section class="cover">
<p class="kicker">Security incident: impact report</p>
<h1>${esc(tenantLabel(r))}</h1>
<p class="incident">${esc(r.incident.name)}</p>
<dl class="facts">
${fact('Tenant', `${esc(r.tenant.name ?? '')} <span class="mono">${esc(r.tenant.id)}</span>`)}
${fact('Incident window', `${esc(displayTime(r.incident.window.since))} to ${esc(displayTime(r.incident.window.until))}`)}
${fact('Actions found', esc(plural(s.actions, 'action')))}
${fact('Users affected', esc(plural(s.affectedUsers, 'user')))}
${fact('Generated', esc(displayTime(r.generatedAt)))}
${fact('Source', esc(sourceText(r)))}
${fact('Signed by', `Ed25519 key <span class="mono">${esc(r.signingKeyId)}</span>`)}
</dl>
<p class="box">This report lists every action the suspects of the incident performed on your tenant in the window above, what each
action changed and which of your users it affected. Each report file comes with a detached signature (<span class="mono">.sig</span>);
check it with <span class="mono">bulwark report verify FILE --public-key KEY.pem</span> against the key we published, as described at the end.</p>
</section>`;
}

function changeRows(list: readonly ChangeCount[]): string {
  return list.map((c) => `<tr><td>${esc(c.change)}<br><span class="mono muted">${breakable(c.eventType)}</span></td><td class="num">${esc(c.count)}</td><td>${esc(outcomesText(c.outcomes))}</td><td>${timeCell(c.firstSeen)}</td><td>${timeCell(c.lastSeen)}</td></tr>`).join('\n');
}

function suspects(r: ImpactReport): string {
  const s = r.incident.suspects;
  const rows: [string, string | undefined][] = [
    ['Accounts', [...(s.logins ?? []), ...(s.actorIds ?? [])].join(', ') || undefined],
    ['IP addresses', [...(s.ips ?? []), ...(s.cidrs ?? [])].join(', ') || undefined],
    ['Networks (ASN)', s.asns?.map((a) => `AS${a}`).join(', ')],
    ['User agents', s.userAgents?.join(' | ')],
    ['Support access grant', s.grantId],
  ];
  const present = rows.filter(([, v]) => v !== undefined && v !== '');
  return present.length === 0 ? '' : `<h3>Suspects</h3>\n<dl class="facts">\n${present.map(([k, v]) => fact(k, `<span class="mono">${esc(v)}</span>`)).join('\n')}\n</dl>`;
}

function summary(r: ImpactReport): string {
  const s = r.summary;
  if (s.actions === 0) {
    return `<section><h2>Summary</h2>
<p>No action of the suspects was found on this tenant between ${esc(displayTime(r.incident.window.since))} and ${esc(displayTime(r.incident.window.until))}. Nothing in your tenant was changed by them in that window.</p>
${suspects(r)}
</section>`;
  }
  const clients = s.clients.map((c) => `<tr><td class="mono">${esc(c.ipAddress ?? 'unknown')}</td><td>${c.asNumber === null ? '' : `AS${esc(c.asNumber)}`}</td><td>${esc(c.asOrg)}</td><td>${esc(c.country)}</td><td class="num">${esc(c.actions)}</td></tr>`).join('\n');
  return `<section><h2>Summary</h2>
<p>Between ${esc(displayTime(s.firstSeen))} and ${esc(displayTime(s.lastSeen))} the suspects performed ${esc(plural(s.actions, 'action'))} on this tenant
(${esc(outcomesText(s.outcomes))}) in ${esc(plural(s.sessions, 'session'))}, affecting ${esc(plural(s.affectedUsers, 'user'))}.</p>
<dl class="facts">
${fact('Acting accounts', `<span class="mono">${esc(s.actors.join(', '))}</span>`)}
${fact('First action', esc(displayTime(s.firstSeen)))}
${fact('Last action', esc(displayTime(s.lastSeen)))}
</dl>
${suspects(r)}
<h3>What kinds of change</h3>
<table><thead><tr><th>What changed</th><th class="num">Count</th><th>Outcome</th><th>First seen</th><th>Last seen</th></tr></thead>
<tbody>
${changeRows(s.byEventType)}
</tbody></table>
<h3>Where the actions came from</h3>
<table><thead><tr><th>IP address</th><th>Network</th><th>Organization</th><th>Country</th><th class="num">Actions</th></tr></thead>
<tbody>
${clients}
</tbody></table>
</section>`;
}

function userRow(u: AffectedUser): string {
  const changes = u.changes.map((c) => `<li>${esc(c.change)} (${esc(c.count === 1 ? outcomesText(c.outcomes) : `${c.count}×: ${outcomesText(c.outcomes)}`)})</li>`).join('');
  const first = u.changes.map((c) => c.firstSeen).sort((a, b) => Date.parse(a) - Date.parse(b))[0] ?? null;
  const last = u.changes.map((c) => c.lastSeen).sort((a, b) => Date.parse(b) - Date.parse(a))[0] ?? null;
  const who = [u.displayName === null ? '' : `<strong>${esc(u.displayName)}</strong>`, u.alternateId === null ? '' : `<span class="mono">${breakable(u.alternateId)}</span>`, u.id === null ? '' : `<span class="mono muted">${breakable(u.id)}</span>`];
  return `<tr><td>${who.filter(Boolean).join('<br>')}</td><td><ul class="changes">${changes}</ul></td><td>${timeCell(first)}</td><td>${timeCell(last)}</td></tr>`;
}

function affected(r: ImpactReport): string {
  if (r.affected.length === 0) return '<section><h2>Affected users</h2>\n<p>No user of this tenant was the target of an action of the suspects.</p>\n</section>';
  return `<section><h2>Affected users</h2>
<p>${esc(plural(r.affected.length, 'user'))} of this tenant ${r.affected.length === 1 ? 'was' : 'were'} the target of an action of the suspects.</p>
<table>
<colgroup><col style="width:30%"><col style="width:44%"><col style="width:13%"><col style="width:13%"></colgroup>
<thead><tr><th>User</th><th>What was done</th><th>First</th><th>Last</th></tr></thead>
<tbody>
${r.affected.map(userRow).join('\n')}
</tbody></table>
</section>`;
}

function whatToDo(r: ImpactReport): string {
  if (r.summary.actions === 0) return '';
  return `<section><h2>What to do</h2>
<ol>
<li>Review each user listed under "Affected users" with the user: was the change expected? Revert profile, group and application changes that were not.</li>
<li>Force a password reset and a new MFA enrollment for these users (Bulwark remediation, the Admin Console or the API), and end their sessions, so that nothing the suspects set up or learned keeps working.</li>
<li>Check the changes to policies, network zones, API tokens and administrator roles in the action table below, and undo those you did not ask for.</li>
<li>Keep this report and its signature files: they are the provider's signed statement of what happened in your tenant.</li>
</ol>
</section>`;
}

function targetCell(a: ReportAction): string {
  return a.targets.map((t) => `${esc(t.type ?? 'unknown')}: <span class="mono">${breakable(t.alternateId ?? t.displayName ?? t.id)}</span>`).join('<br>');
}

function actionRow(a: ReportAction, i: number): string {
  const ok = a.outcome.result === 'SUCCESS' || a.outcome.result === 'ALLOW';
  const client = [a.client.ipAddress, a.client.asNumber === null ? null : `AS${a.client.asNumber}`, a.client.country].filter((v) => v !== null).join(' · ');
  const outcome = `${a.outcome.result ?? 'UNKNOWN'}${a.outcome.reason ? `: ${a.outcome.reason}` : ''}`;
  return `<tr${ok ? '' : ' class="failed"'}><td class="num">${i + 1}</td><td>${timeCell(a.published)}</td><td>${esc(a.change)}<br><span class="mono muted">${breakable(a.eventType)}</span></td><td>${breakable(outcome)}</td><td class="mono">${breakable(a.actor.alternateId ?? a.actor.displayName ?? a.actor.id)}<br><span class="muted">${esc(client)}</span></td><td>${targetCell(a)}</td></tr>`;
}

function actionTable(r: ImpactReport): string {
  if (r.actions.length === 0) return '';
  return `<section><h2>All actions</h2>
<p>Every action of the suspects on this tenant in the window, oldest first. The CSV and JSON files hold the same actions with session ids, user agents and event uuids.</p>
<table class="actions">
<colgroup><col style="width:5%"><col style="width:12%"><col style="width:27%"><col style="width:15%"><col style="width:22%"><col style="width:19%"></colgroup>
<thead><tr><th class="num">#</th><th>Time</th><th>What changed</th><th>Outcome</th><th>Actor and client</th><th>Targets</th></tr></thead>
<tbody>
${r.actions.map(actionRow).join('\n')}
</tbody></table>
</section>`;
}

function verification(r: ImpactReport): string {
  return `<section><h2>Checking this report</h2>
<p>Each file of this report (<span class="mono">impact-report.pdf</span>, <span class="mono">.html</span>, <span class="mono">.csv</span>, <span class="mono">.json</span>) has a detached
signature <span class="mono">impact-report.EXT.sig</span> made with the provider's Ed25519 key <span class="mono">${esc(r.signingKeyId)}</span>. With the public key the provider published,
<span class="mono">bulwark report verify impact-report.pdf --public-key report-key.pem</span> answers "valid" only if the file is byte for byte the one that was signed.</p>
</section>`;
}

/** The whole document. */
export function reportHtml(r: ImpactReport): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Impact report: ${esc(tenantLabel(r))}: ${esc(r.incident.name)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${cover(r)}
${summary(r)}
${affected(r)}
${whatToDo(r)}
${actionTable(r)}
${verification(r)}
</main>
</body>
</html>
`;
}
