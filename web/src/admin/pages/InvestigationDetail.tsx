import { useState } from 'react';
import { adminCall } from '../client.ts';
import { messageOf } from '../errors.ts';
import { formatDate, formatSeconds, quoted, withQuery } from '../format.ts';
import { Link, navigate } from '../navigation.tsx';
import type { LogEvent } from '../types.ts';
import { ErrorBanner, Notice } from '../ui/Banner.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { Facts, PageHeader, Section } from '../ui/Page.tsx';
import { useLoad } from '../ui/useLoad.ts';
import { searchOf } from './log-query.ts';
import { LogEventPanel } from './LogEventPanel.tsx';
import {
  investigationPath, saveReport, saveSignature, suspectList, type BlastRadius, type Investigation, type PivotStep, type ReportFormat, type SavedReport, type TimelineEntry,
} from './investigation.ts';
import { PivotPanel } from './InvestigationPivot.tsx';
import { InvestigationTimeline, PivotButton, SeenCell } from './InvestigationTimeline.tsx';

const FORMATS: { format: ReportFormat; label: string }[] = [{ format: 'pdf', label: 'PDF' }, { format: 'json', label: 'JSON' }, { format: 'csv', label: 'CSV' }];

function HeadRow({ names }: { names: readonly string[] }) {
  return <thead><tr>{names.map((h) => <th key={h} scope="col" className={['Events', 'Users'].includes(h) ? 'numeric' : undefined}>{h}</th>)}</tr></thead>;
}

/** The blast radius in numbers: a card each. */
function Totals({ totals }: { totals: BlastRadius['totals'] }) {
  const cards: [string, string, string][] = [
    ['Events', String(totals.events), ''], ['Users targeted', String(totals.users), ''], ['Actors', String(totals.actors), ''],
    ['First seen', totals.firstSeen ? formatSeconds(totals.firstSeen) : '—', ' stat-time'], ['Last seen', totals.lastSeen ? formatSeconds(totals.lastSeen) : '—', ' stat-time'],
  ];
  return (
    <dl className="stat-cards">
      {cards.map(([label, value, kind]) => <div key={label} className={`stat-card${kind}`}><dt>{label}</dt><dd>{value}</dd></div>)}
    </dl>
  );
}

function UsersTable({ users }: { users: BlastRadius['users'] }) {
  if (users.length === 0) return <EmptyState title="No users targeted">None of the suspects' events in the window names a user as its target.</EmptyState>;
  return (
    <div className="table-wrap">
      <table className="data-table">
        <caption className="visually-hidden">Users targeted by the suspects</caption>
        <HeadRow names={['User', 'Login', 'Events', 'What was done', 'Seen']} />
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td><Link to={`/admin/users/${encodeURIComponent(u.id)}`}>{u.displayName ?? u.alternateId ?? u.id}</Link></td>
              <td>{u.alternateId ?? '—'}</td>
              <td className="numeric">{u.events}</td>
              <td><ul className="plain-list">{u.eventTypes.map((t) => <li key={t}><code className="small">{t}</code></li>)}</ul></td>
              <SeenCell seen={u} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ActionsTable({ actions }: { actions: BlastRadius['actions'] }) {
  return (
    <div className="table-wrap">
      <table className="data-table">
        <caption className="visually-hidden">The suspects' actions by event type</caption>
        <HeadRow names={['Event type', 'Events', 'Users', 'Seen']} />
        <tbody>
          {actions.map((a) => (
            <tr key={a.eventType}>
              <td><code>{a.eventType}</code></td>
              <td className="numeric">{a.events}</td>
              <td className="numeric">{a.users}</td>
              <SeenCell seen={a} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ActorsTable({ actors, onPivot }: { actors: BlastRadius['actors']; onPivot: (s: PivotStep) => void }) {
  return (
    <div className="table-wrap">
      <table className="data-table">
        <caption className="visually-hidden">The actors of the suspects' events, with their IP addresses</caption>
        <HeadRow names={['Actor', 'Type', 'Events', 'IP addresses', 'Seen']} />
        <tbody>
          {actors.map((a) => (
            <tr key={a.id ?? 'none'}>
              <td>{a.id ? <PivotButton step={{ kind: 'actor', value: a.id, label: a.alternateId ?? a.id }} onPivot={onPivot} /> : 'unknown'}<div className="muted small mono">{a.id}</div></td>
              <td>{a.type ?? '—'}</td>
              <td className="numeric">{a.events}</td>
              <td><ul className="plain-list">{(a.ipAddresses ?? []).map((ip) => <li key={ip}><PivotButton step={{ kind: 'ip', value: ip }} onPivot={onPivot} /></li>)}</ul></td>
              <SeenCell seen={a} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The signed impact report, saved with its signature beside it, and how to check the pair. */
function ReportButtons({ id }: { id: string }) {
  const [busy, setBusy] = useState<ReportFormat | null>(null);
  const [saved, setSaved] = useState<SavedReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const save = async (format: ReportFormat) => {
    setBusy(format);
    setError(null);
    setSaved(null);
    try {
      setSaved(await saveReport(id, format));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(null);
    }
  };
  return (
    <>
      <div className="button-row tight">
        {FORMATS.map(({ format, label }) => (
          <button key={format} type="button" className="button-secondary" disabled={busy !== null} aria-busy={busy === format} onClick={() => void save(format)}>
            {busy === format ? `Preparing the ${label}…` : `Download ${label}`}
          </button>
        ))}
      </div>
      <ErrorBanner message={error} />
      {saved && (
        <Notice>
          <div>
            Saved <code>{saved.file}</code> and its signature <code>{saved.signatureFile}</code>.
            Keep them side by side; <code>bulwark report verify {saved.file}</code> checks the file against the signature,
            or anyone with the published report key can (docs/forensics.md, “Verifying a report”).{' '}
            <button type="button" className="link-button" onClick={() => saveSignature(saved)}>Save the signature again</button>
          </div>
        </Notice>
      )}
    </>
  );
}

/** The full System Log event of a timeline entry (the engine keeps only what its questions need), if the log still has it. */
async function fullEvent(entry: TimelineEntry): Promise<LogEvent | undefined> {
  const at = Date.parse(entry.published);
  const [event] = await adminCall<LogEvent[]>('GET', withQuery('/api/v1/logs', {
    filter: `uuid eq ${quoted(entry.uuid)}`, since: new Date(at - 1000).toISOString(), until: new Date(at + 1000).toISOString(), limit: 1,
  }));
  return event;
}

/**
 * One investigation over this organization's System Log: who the suspects are, the blast radius (totals,
 * users targeted, actions by type, actors and their addresses), the suspects' timeline, pivots from any address,
 * actor or session, and the signed impact report. Every answer is read from the log as it is now.
 */
export default function InvestigationDetail({ id }: { id: string }) {
  const path = investigationPath(id);
  const { data: inv, error } = useLoad<Investigation>(path);
  const blast = useLoad<BlastRadius>(`${path}/blast-radius`);
  const [trail, setTrail] = useState<PivotStep[]>([]);
  const [opened, setOpened] = useState<LogEvent | null>(null);
  const [openError, setOpenError] = useState<string | null>(null);

  if (!inv) return <><PageHeader title="Investigation" /><ErrorBanner message={error} />{!error && <p role="status" className="loading">Loading…</p>}</>;

  const pivot = (step: PivotStep) => setTrail([step]);
  const openEvent = (entry: TimelineEntry) => {
    setOpenError(null);
    fullEvent(entry).then(
      (event) => (event ? setOpened(event) : setOpenError('The event is no longer in the System Log: its retention has passed.')),
      (err: unknown) => setOpenError(messageOf(err)),
    );
  };
  const totals = blast.data?.totals;

  return (
    <>
      <PageHeader title={inv.name} description="What the suspects did in this organization, read from its System Log as it is now.">
        <nav aria-label="Breadcrumb" className="breadcrumb"><Link to="/admin/investigations">Investigations</Link></nav>
      </PageHeader>
      <div className="card">
        <Facts items={[
          ['Window', `${formatDate(inv.window.since)} to ${formatDate(inv.window.until)}`],
          ['Suspects', <ul key="s" className="plain-list">{suspectList(inv.suspects).map((s) => <li key={s}>{s}</li>)}</ul>],
          ['Created', `${formatDate(inv.created)} by ${inv.createdBy.displayName}`],
        ]} />
        <h2 className="subhead">Impact report</h2>
        <p className="hint">Everything the suspects did here, for the people who must be told: a signed file, with its signature saved beside it.</p>
        <ReportButtons id={inv.id} />
      </div>
      <Section title="Blast radius" description="The suspects' events in the window: an event is theirs when it matches any one indicator.">
        <ErrorBanner message={blast.error} />
        {totals ? <Totals totals={totals} /> : !blast.error && <p role="status" className="loading">Reading the System Log…</p>}
      </Section>
      {blast.data && (
        <>
          <Section title="Users targeted" description="Each user the suspects' events name as a target, and what was done.">
            <UsersTable users={blast.data.users} />
          </Section>
          {blast.data.actions.length > 0 && (
            <Section title="Actions by event type">
              <ActionsTable actions={blast.data.actions} />
            </Section>
          )}
          {blast.data.actors.length > 0 && (
            <Section title="Actors" description="Who acted, and from where. Choose an actor for its sessions, or an address for everyone who used it.">
              <ActorsTable actors={blast.data.actors} onPivot={pivot} />
            </Section>
          )}
        </>
      )}
      <Section title="Timeline" description="The suspects' events in time order. Choose a time for the whole event, or an actor, address or session to pivot.">
        <ErrorBanner message={openError} />
        <InvestigationTimeline path={path} onPivot={pivot} onOpenEvent={openEvent} />
      </Section>
      {trail.length > 0 && (
        <PivotPanel path={path} trail={trail} onDrill={(s) => setTrail((t) => [...t, s])} onBack={(n) => setTrail((t) => t.slice(0, -n))} onClose={() => setTrail([])} onOpenEvent={openEvent} />
      )}
      {opened && (
        <LogEventPanel event={opened} onClose={() => setOpened(null)}
          onFilter={(filter) => navigate(searchOf({ range: '', since: inv.window.since, until: inv.window.until, filter, q: '' }))} />
      )}
    </>
  );
}
