import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { adminPage } from '../client.ts';
import { messageOf } from '../errors.ts';
import { formatSeconds } from '../format.ts';
import { navigate, useLocation } from '../navigation.tsx';
import type { LogEvent } from '../types.ts';
import { ErrorBanner, Notice } from '../ui/Banner.tsx';
import { DataTable, type Column } from '../ui/DataTable.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { TextField } from '../ui/Fields.tsx';
import { PageHeader } from '../ui/Page.tsx';
import { EXPORT_CAP, exportLogs, type ExportFormat } from './log-export.ts';
import { fromLocalInput, listPath, queryFromSearch, RANGES, searchOf, sinceOf, tailPath, toLocalInput, type LogQuery } from './log-query.ts';
import { LogEventPanel } from './LogEventPanel.tsx';
import { useLiveTail } from './useLiveTail.ts';

/** How many events the page keeps while tailing; older ones drop off the bottom. */
const MAX_SHOWN = 5000;

const actorName = (e: LogEvent) => e.actor.displayName ?? e.actor.alternateId ?? e.actor.id;

function Target({ event }: { event: LogEvent }) {
  const [first, ...rest] = event.target ?? [];
  if (!first) return <>—</>;
  return <>{first.displayName ?? first.alternateId ?? first.id} <span className="muted small">{first.type}{rest.length > 0 ? ` +${rest.length}` : ''}</span></>;
}

function outcomeClass(result: string): string {
  if (result === 'SUCCESS' || result === 'ALLOW') return 'badge badge-active';
  if (result === 'FAILURE' || result === 'DENY') return 'badge badge-deprovisioned';
  return 'badge';
}

type Exporting = { format: ExportFormat; count: number; controller: AbortController };

/**
 * The System Log: a time window, an Okta filter expression and keywords; the events newest first, more on
 * demand; each event opened in full; a live tail that polls for new events; and exports of the whole query.
 */
export default function Logs() {
  const { search } = useLocation();
  const applied = queryFromSearch(search);
  const appliedKey = searchOf(applied);
  const [draft, setDraft] = useState<LogQuery>(() => withSince(applied));
  const [draftFor, setDraftFor] = useState(appliedKey);
  const [runId, setRunId] = useState(0);
  const [events, setEvents] = useState<LogEvent[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [trimmed, setTrimmed] = useState(false);
  const [open, setOpen] = useState<LogEvent | null>(null);
  const [tailFrom, setTailFrom] = useState<string | null>(null);
  const [arrived, setArrived] = useState('');
  const [exporting, setExporting] = useState<Exporting | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const seen = useRef(new Set<string>());

  // The back and forward buttons change the query: the form follows.
  if (draftFor !== appliedKey) {
    setDraftFor(appliedKey);
    setDraft(withSince(applied));
  }

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setTailFrom(null);
    adminPage<LogEvent>(listPath(applied, Date.now()), controller.signal).then(
      (page) => {
        if (controller.signal.aborted) return;
        seen.current = new Set(page.items.map((e) => e.uuid));
        setEvents(page.items);
        setNext(page.next);
        setTrimmed(false);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setEvents([]);
        setNext(null);
        setError(messageOf(err));
        setLoading(false);
      },
    );
    return () => controller.abort();
    // `applied` is read from the address, which appliedKey is: the key says when the query changed.
  }, [appliedKey, runId]);

  /** Puts events in newest first, leaving out any already shown. */
  const add = useCallback((batch: readonly LogEvent[], where: 'top' | 'bottom') => {
    const fresh = batch.filter((e) => !seen.current.has(e.uuid));
    for (const e of fresh) seen.current.add(e.uuid);
    if (where === 'top') fresh.reverse();
    if (fresh.length > 0) setEvents((shown) => (where === 'top' ? [...fresh, ...shown] : [...shown, ...fresh]));
    return fresh.length;
  }, []);

  // A long tail keeps the newest events only; the oldest are no longer continuous, so nothing loads below them.
  useEffect(() => {
    if (events.length <= MAX_SHOWN) return;
    setEvents((shown) => shown.slice(0, MAX_SHOWN));
    setTrimmed(true);
    setNext(null);
  }, [events.length]);

  useLiveTail(
    tailFrom,
    (batch) => {
      const count = add(batch, 'top');
      if (count > 0) setArrived(`${count} new ${count === 1 ? 'event' : 'events'}.`);
    },
    (err) => {
      setTailFrom(null);
      setError(messageOf(err));
    },
  );

  const apply = (query: LogQuery) => {
    setOpen(null);
    const target = searchOf(query);
    if (target === appliedKey) setRunId((r) => r + 1);
    else navigate(target);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    apply(draft.range
      ? { ...draft, since: '', until: '' }
      : { ...draft, since: fromLocalInput(draft.since), until: fromLocalInput(draft.until) });
  };
  const pick = (range: string) => apply({ ...draft, range, since: '', until: '' });
  const edit = <K extends keyof LogQuery>(key: K) => (value: LogQuery[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const loadMore = async () => {
    if (next === null) return;
    setLoading(true);
    try {
      const page = await adminPage<LogEvent>(next);
      add(page.items, 'bottom');
      setNext(page.next);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setLoading(false);
    }
  };

  const toggleTail = (on: boolean) => {
    setArrived('');
    // From the newest event shown: the server's clock decides what is new, and events already shown are skipped.
    setTailFrom(on ? tailPath(applied, events[0]?.published ?? sinceOf(applied, Date.now()) ?? new Date().toISOString()) : null);
  };

  const runExport = async (format: ExportFormat) => {
    const controller = new AbortController();
    setExported(null);
    setExporting({ format, count: 0, controller });
    try {
      const { count, capped } = await exportLogs(applied, format, (n) => setExporting((x) => x && { ...x, count: n }), controller.signal);
      setExported(`Exported ${count.toLocaleString()} ${count === 1 ? 'event' : 'events'}${capped ? ` (the first ${EXPORT_CAP.toLocaleString()}; narrow the query for the rest)` : ''}.`);
    } catch (err) {
      setExported(err instanceof DOMException && err.name === 'AbortError' ? 'Export cancelled.' : `Export failed: ${messageOf(err) ?? 'the session ended'}`);
    } finally {
      setExporting(null);
    }
  };

  const bounded = !applied.range && applied.until !== '';
  const columns: Column<LogEvent>[] = [
    { header: 'Time', className: 'nowrap', cell: (e) => <button type="button" className="link-button" onClick={() => setOpen(e)}>{formatSeconds(e.published)}</button> },
    { header: 'Actor', cell: (e) => <>{actorName(e)}<div className="muted small">{e.actor.type}</div></> },
    { header: 'Event type', cell: (e) => <code className="small">{e.eventType}</code> },
    { header: 'Outcome', cell: (e) => <><span className={outcomeClass(e.outcome.result)}>{e.outcome.result}</span>{e.outcome.reason && <div className="muted small">{e.outcome.reason}</div>}</> },
    { header: 'Target', cell: (e) => <Target event={e} /> },
    { header: 'Message', cell: (e) => e.displayMessage },
  ];

  return (
    <>
      <PageHeader title="System Log" description="Every change and sign-in in this tenant, as Okta's System Log records them." />
      <div className="card">
        <form className="log-query" onSubmit={submit} aria-label="System Log query">
          <div className="quick-picks" role="group" aria-label="Time range">
            {RANGES.map((r) => (
              <button key={r.value} type="button" className="button-secondary button-small" aria-pressed={applied.range === r.value} onClick={() => pick(r.value)}>{r.label}</button>
            ))}
          </div>
          <div className="form-row">
            <TextField label="Since" type="datetime-local" value={draft.since} onValue={(v) => setDraft((d) => ({ ...d, since: v, range: '' }))} hint="At most 180 days ago." />
            <TextField label="Until" type="datetime-local" value={draft.until} onValue={(v) => setDraft((d) => ({ ...d, until: v, range: '' }))} hint="Empty: until now." />
          </div>
          <TextField label="Filter" className="mono" value={draft.filter} onValue={edit('filter')} spellCheck={false} autoComplete="off"
            placeholder='eventType eq "user.session.start"' hint={<>Okta's filter expression, e.g. <code>eventType sw "user.lifecycle"</code> or <code>outcome.result eq "FAILURE" and actor.alternateId co "smith"</code>.</>} />
          <div className="form-row align-end">
            <TextField label="Keywords" value={draft.q} onValue={edit('q')} autoComplete="off" hint="Words that must all appear in the event." />
            <div className="form-actions"><button type="submit" className="button-primary">Search</button></div>
          </div>
        </form>
      </div>

      <div className="card">
        <div className="log-toolbar">
          <label className="switch">
            <input type="checkbox" role="switch" checked={tailFrom !== null} disabled={bounded} onChange={(e) => toggleTail(e.target.checked)} aria-describedby="tail-hint" />
            <span>Live tail</span>
          </label>
          <span id="tail-hint" className="hint">{bounded ? 'Clear “Until” to follow new events.' : tailFrom !== null ? 'Checking for new events every 2 seconds.' : 'New events appear at the top as they happen.'}</span>
          <span className="spacer" />
          {exporting ? (
            <div className="export-progress" role="status">
              <label>
                Exporting {exporting.format.toUpperCase()}: {exporting.count.toLocaleString()} events
                <progress max={EXPORT_CAP} value={exporting.count} />
              </label>
              <button type="button" className="button-secondary button-small" onClick={() => exporting.controller.abort()}>Cancel</button>
            </div>
          ) : (
            <div className="button-row tight">
              <button type="button" className="button-secondary button-small" onClick={() => void runExport('ndjson')}>Export NDJSON</button>
              <button type="button" className="button-secondary button-small" onClick={() => void runExport('csv')}>Export CSV</button>
            </div>
          )}
        </div>
        {exported && <Notice>{exported}</Notice>}
        <p role="status" className="visually-hidden">{arrived}</p>
        <ErrorBanner message={error} />
        <DataTable
          caption="System Log events, newest first"
          columns={columns}
          rows={events}
          rowKey={(e) => e.uuid}
          loading={loading}
          onOpen={setOpen}
          selectedKey={open?.uuid ?? null}
          empty={<EmptyState title="No events">{error ? 'Fix the query and search again.' : 'Nothing matches in this time range. Widen it, or change the filter.'}</EmptyState>}
        />
        <div className="load-more">
          {trimmed && <p className="hint">Showing the newest {MAX_SHOWN.toLocaleString()} events.</p>}
          {next !== null && <button type="button" className="button-secondary" disabled={loading} onClick={() => void loadMore()}>{loading ? 'Loading…' : 'Load more'}</button>}
        </div>
      </div>
      {open && (
        <LogEventPanel
          event={open}
          onClose={() => setOpen(null)}
          onFilter={(filter) => apply({ ...applied, filter })}
        />
      )}
    </>
  );
}

/** The form shows a relative range as the instant it stands for now. */
function withSince(query: LogQuery): LogQuery {
  return {
    ...query,
    since: toLocalInput(query.range ? (sinceOf(query, Date.now()) ?? '') : query.since),
    until: toLocalInput(query.until),
  };
}
