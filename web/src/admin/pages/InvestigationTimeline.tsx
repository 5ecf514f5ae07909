import { useEffect, useState } from 'react';
import { adminCall } from '../client.ts';
import { messageOf } from '../errors.ts';
import { formatSeconds, withQuery } from '../format.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { useLoad } from '../ui/useLoad.ts';
import type { PivotStep, Seen, Timeline, TimelineEntry } from './investigation.ts';

const PAGE = 50;

export const actorLabel = (e: Pick<TimelineEntry, 'actorAlternateId' | 'actorId'>) => e.actorAlternateId ?? e.actorId ?? 'unknown';

export const targetsOf = (e: TimelineEntry) => e.targets.map((t) => t.displayName ?? t.alternateId ?? t.id).filter((t) => t !== null).join(', ') || '—';

/** When something was seen: one time, or the first and the last (as shown: to the second). */
export function SeenCell({ seen }: { seen: Seen }) {
  const first = formatSeconds(seen.firstSeen);
  const last = formatSeconds(seen.lastSeen);
  return <td className="nowrap">{first}{last !== first && <><br /><span className="muted">to {last}</span></>}</td>;
}

/** A value that opens a pivot, named by the value itself (the section says what choosing it does). */
export function PivotButton({ step, onPivot }: { step: PivotStep; onPivot: (step: PivotStep) => void }) {
  return <button type="button" className="link-button" onClick={() => onPivot(step)}>{step.label ?? step.value}</button>;
}

/**
 * Events as the timeline and a session's pivot list them, in time order: each opens in full, and its actor,
 * address and session are pivots.
 */
export function EventRows({ caption, entries, onPivot, onOpenEvent }: {
  caption: string;
  entries: readonly TimelineEntry[];
  onPivot: (step: PivotStep) => void;
  onOpenEvent: (entry: TimelineEntry) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="data-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>{['Time', 'Actor', 'Event', 'Outcome', 'Targets', 'From'].map((h) => <th key={h} scope="col">{h}</th>)}</tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.uuid}>
              <td className="nowrap"><button type="button" className="link-button" onClick={() => onOpenEvent(e)}>{formatSeconds(e.published)}</button></td>
              <td>{e.actorId ? <PivotButton step={{ kind: 'actor', value: e.actorId, label: actorLabel(e) }} onPivot={onPivot} /> : actorLabel(e)}<div className="muted small">{e.actorType}</div></td>
              <td><code className="small">{e.eventType}</code>{e.displayMessage && <div className="muted small">{e.displayMessage}</div>}</td>
              <td>{e.outcome ?? '—'}</td>
              <td className="targets">{targetsOf(e)}</td>
              <td>
                {e.ipAddress ? <PivotButton step={{ kind: 'ip', value: e.ipAddress }} onPivot={onPivot} /> : '—'}
                {e.sessionId && <div className="small">session <PivotButton step={{ kind: 'session', value: e.sessionId }} onPivot={onPivot} /></div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The suspects' events in time order, a page at a time ("Load more" goes on from the last one shown). */
export function InvestigationTimeline({ path, onPivot, onOpenEvent }: { path: string; onPivot: (step: PivotStep) => void; onOpenEvent: (entry: TimelineEntry) => void }) {
  const first = useLoad<Timeline>(withQuery(`${path}/timeline`, { limit: PAGE }));
  // The pages after the first, each read from where the one before ended.
  const [more, setMore] = useState<Timeline | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [shown, setShown] = useState('');
  useEffect(() => setMore(null), [path]);

  const entries = [...(first.data?.entries ?? []), ...(more?.entries ?? [])];
  const next = more ? more.next : first.data?.next ?? null;
  const loading = first.loading || loadingMore;
  const error = first.error ?? moreError;

  const loadMore = async () => {
    if (next === null) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await adminCall<Timeline>('GET', withQuery(`${path}/timeline`, { limit: PAGE, after: next }));
      setMore((before) => ({ entries: [...(before?.entries ?? []), ...page.entries], next: page.next }));
      setShown(`${page.entries.length} more ${page.entries.length === 1 ? 'event' : 'events'} shown.`);
    } catch (err) {
      setMoreError(messageOf(err));
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <>
      <ErrorBanner message={error} />
      {entries.length === 0 ? (
        loading ? <p role="status" className="loading">Reading the System Log…</p> : !error && <EmptyState title="No events">Nothing in the window matches the suspects.</EmptyState>
      ) : (
        <EventRows caption="The suspects' events in time order" entries={entries} onPivot={onPivot} onOpenEvent={onOpenEvent} />
      )}
      <p role="status" className="visually-hidden">{shown}</p>
      <div className="load-more">
        {next !== null && <button type="button" className="button-secondary" disabled={loading} onClick={() => void loadMore()}>{loading ? 'Loading…' : 'Load more'}</button>}
      </div>
    </>
  );
}
