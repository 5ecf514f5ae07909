import { useEffect, useRef } from 'react';
import { withQuery } from '../format.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { useLoad } from '../ui/useLoad.ts';
import type { ActorPivot, IpPivot, PivotKind, PivotStep, TimelineEntry } from './investigation.ts';
import { EventRows, PivotButton, SeenCell } from './InvestigationTimeline.tsx';

const nameOf = (s: PivotStep) => s.label ?? s.value;

const TITLES: Record<PivotKind, (s: PivotStep) => string> = {
  ip: (s) => `Who used ${s.value}`,
  actor: (s) => `Sessions of ${nameOf(s)}`,
  session: (s) => `Events in session ${s.value}`,
};

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function IpActors({ rows, onDrill }: { rows: IpPivot; onDrill: (s: PivotStep) => void }) {
  return (
    <div className="table-wrap">
      <table className="data-table">
        <caption className="visually-hidden">Actors that used the address</caption>
        <thead><tr>{['Actor', 'Type', 'Events', 'Sessions', 'Seen'].map((h) => <th key={h} scope="col">{h}</th>)}</tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.actorId ?? 'none'}>
              <td>{r.actorId ? <PivotButton step={{ kind: 'actor', value: r.actorId, label: r.alternateId ?? r.actorId }} onPivot={onDrill} /> : 'unknown'}<div className="muted small mono">{r.actorId}</div></td>
              <td>{r.type ?? '—'}</td>
              <td className="numeric">{r.events}</td>
              <td className="numeric">{r.sessions}</td>
              <SeenCell seen={r} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ActorSessions({ rows, onDrill }: { rows: ActorPivot; onDrill: (s: PivotStep) => void }) {
  return (
    <div className="table-wrap">
      <table className="data-table">
        <caption className="visually-hidden">Sessions the actor acted in</caption>
        <thead><tr>{['Session', 'IP addresses', 'Networks', 'Events', 'Seen'].map((h) => <th key={h} scope="col">{h}</th>)}</tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.sessionId}>
              <td><PivotButton step={{ kind: 'session', value: r.sessionId }} onPivot={onDrill} /></td>
              <td><ul className="plain-list">{(r.ipAddresses ?? []).map((ip) => <li key={ip}><PivotButton step={{ kind: 'ip', value: ip }} onPivot={onDrill} /></li>)}</ul></td>
              <td>{(r.asNumbers ?? []).map((a) => `AS${a}`).join(', ') || '—'}</td>
              <td className="numeric">{r.events}</td>
              <SeenCell seen={r} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function summaryOf(step: PivotStep, data: IpPivot | ActorPivot | TimelineEntry[]): string {
  if (step.kind === 'ip') return `${count(data.length, 'actor', 'actors')} used ${step.value} in the window.`;
  if (step.kind === 'actor') return `${nameOf(step)} acted in ${count(data.length, 'session', 'sessions')} in the window.`;
  return `${count(data.length, 'event', 'events')} in this session in the window.`;
}

type Answer = IpPivot | ActorPivot | TimelineEntry[];

/** One step's answer; mounted afresh for each step, so an answer is never shown under another step's name. */
function PivotAnswer({ path, step, onDrill, onOpenEvent }: { path: string; step: PivotStep; onDrill: (s: PivotStep) => void; onOpenEvent: (entry: TimelineEntry) => void }) {
  const { data, error } = useLoad<Answer>(withQuery(`${path}/pivots/${step.kind}`, { value: step.value }));
  const summary = useRef<HTMLParagraphElement>(null);
  // Each step replaces the list the admin chose from: where they are now is said, and focus goes there.
  useEffect(() => {
    if (data !== null) summary.current?.focus();
  }, [data]);
  if (data === null) return error ? <ErrorBanner message={error} /> : <p role="status" className="loading">Reading the System Log…</p>;
  return (
    <>
      <p ref={summary} tabIndex={-1} className="pivot-summary">{summaryOf(step, data)}</p>
      {data.length === 0 && <EmptyState title="Nothing found">{step.kind === 'actor' ? 'This actor’s events carry no session: an API token’s calls, for one, have none.' : 'No event in the window has it.'}</EmptyState>}
      {data.length > 0 && step.kind === 'ip' && <IpActors rows={data as IpPivot} onDrill={onDrill} />}
      {data.length > 0 && step.kind === 'actor' && <ActorSessions rows={data as ActorPivot} onDrill={onDrill} />}
      {data.length > 0 && step.kind === 'session' && <EventRows caption="Every event in the session, in time order" entries={data as TimelineEntry[]} onPivot={onDrill} onOpenEvent={onOpenEvent} />}
    </>
  );
}

/**
 * Pivots beside the investigation: from an address to the actors that used it, from an actor to its sessions,
 * from a session to every event in it, each step a choice in the one before; the trail leads back. They read
 * everything in the investigation's window, not only the suspects' events: that is how a pivot finds what the
 * suspects list missed.
 */
export function PivotPanel({ path, trail, onDrill, onBack, onClose, onOpenEvent }: {
  path: string;
  trail: readonly PivotStep[];
  onDrill: (step: PivotStep) => void;
  onBack: (steps: number) => void;
  onClose: () => void;
  onOpenEvent: (entry: TimelineEntry) => void;
}) {
  const step = trail.at(-1) as PivotStep;
  return (
    <Dialog title={TITLES[step.kind](step)} onClose={onClose} variant="panel">
      {trail.length > 1 && (
        <nav aria-label="Pivot steps" className="pivot-trail">
          <ol>
            {trail.map((s, i) => (
              <li key={`${i}:${s.kind}:${s.value}`}>
                {i === trail.length - 1
                  ? <span aria-current="step">{TITLES[s.kind](s)}</span>
                  : <button type="button" className="link-button" onClick={() => onBack(trail.length - 1 - i)}>{TITLES[s.kind](s)}</button>}
              </li>
            ))}
          </ol>
        </nav>
      )}
      <PivotAnswer key={`${trail.length}:${step.kind}:${step.value}`} path={path} step={step} onDrill={onDrill} onOpenEvent={onOpenEvent} />
    </Dialog>
  );
}
