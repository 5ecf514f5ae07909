import { useCallback, useState } from 'react';
import type { AccessGrant } from '../../support-access.ts';
import { adminFetch, errorOf } from '../client.ts';
import { formatDate, formatSeconds } from '../format.ts';
import type { LogEvent } from '../types.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { PageHeader, Section } from '../ui/Page.tsx';
import { useLoad } from '../ui/useLoad.ts';
import { download } from './log-export.ts';
import { useSupportActivity, type StreamState } from './useSupportActivity.ts';

const GRANTS = '/api/v1/support-access/grants?limit=200';
/** The feed keeps this many events; the whole history is in the export. */
const FEED_LIMIT = 200;
const GRANT_STEPS = /^(?:user\.session\.impersonation\.|bulwark\.support\.access\.)/;

const STATE_LABELS: Record<StreamState, string> = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' };

type Debug = { debugContext?: { debugData?: Record<string, unknown> } };

/** What an event did, in a line: its message, and for a read the API route and query it asked for. */
function whatOf(e: LogEvent): string {
  const data = (e as Debug).debugContext?.debugData ?? {};
  if (e.eventType !== 'bulwark.support.api.read') return e.displayMessage;
  const query = typeof data['query'] === 'string' ? `?${data['query']}` : '';
  return `Read ${String(data['route'] ?? '')}${query}`;
}

const targetsOf = (e: LogEvent) => (e.target ?? []).filter((t) => t.type !== 'SupportAccessGrant').map((t) => t.displayName ?? t.alternateId ?? t.id).join(', ');

/**
 * Support activity (docs/support-access.md, access transparency): who from support is in this organization
 * now, under which grant and case, and everything they do, shown the moment it happens; the whole history
 * can be exported for the organization's own records.
 */
export default function SupportActivity() {
  const grants = useLoad<AccessGrant[]>(GRANTS);
  const [feed, setFeed] = useState<LogEvent[]>([]);
  const [exportError, setExportError] = useState<string | null>(null);
  const { reload } = grants;
  const onEvents = useCallback((events: LogEvent[]) => {
    setFeed((shown) => [...[...events].reverse(), ...shown].slice(0, FEED_LIMIT));
    if (events.some((e) => GRANT_STEPS.test(e.eventType))) reload();
  }, [reload]);
  const state = useSupportActivity(onEvents);
  const now = Date.now();
  const inside = (grants.data ?? []).filter((g) => g.status === 'APPROVED' && g.expiresAt !== null && Date.parse(g.expiresAt) > now);

  const exportAs = async (format: 'csv' | 'ndjson') => {
    setExportError(null);
    try {
      const res = await adminFetch('GET', `/api/v1/support-access/history?format=${format}`, undefined, undefined, format === 'csv' ? 'text/csv' : 'application/x-ndjson');
      if (!res.ok) throw await errorOf(res);
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `support-access.${format}`;
      download(await res.blob(), res.headers.get('content-type') ?? 'text/plain', name);
    } catch (err) {
      setExportError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <>
      <PageHeader
        title="Support activity"
        description="Who from support is in this organization now, and everything they do here, as it happens."
        actions={(
          <div className="button-row">
            <button type="button" className="button-secondary" onClick={() => void exportAs('csv')}>Export history (CSV)</button>
            <button type="button" className="button-secondary" onClick={() => void exportAs('ndjson')}>Export history (NDJSON)</button>
          </div>
        )}
      />
      <ErrorBanner message={exportError ?? grants.error} />
      <Section title="In your organization now" description="Support staff holding an approved grant that has not ended.">
        {inside.length === 0 ? (
          <p className="hint">{grants.loading ? 'Loading…' : 'Nobody from support has access now.'}</p>
        ) : (
          <ul className="plain-list">
            {inside.map((g) => (
              <li key={g.id}>
                <strong>{g.staff.name}</strong> for case <code>{g.caseId}</code>: {g.scopes.map((s) => s.label).join('; ')}. Until {formatDate(g.expiresAt)}.
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title="Live activity" description="Each request for access, decision and action by support staff, newest first." actions={<span className={`badge ${state === 'live' ? 'badge-active' : 'badge-inactive'}`} role="status">{STATE_LABELS[state]}</span>}>
        {feed.length === 0 ? (
          <EmptyState title="No support activity yet">Anything support staff do in this organization appears here the moment it happens.</EmptyState>
        ) : (
          <table className="data-table">
            <caption className="visually-hidden">Support activity, newest first</caption>
            <thead><tr><th scope="col">Time</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">On</th><th scope="col">Result</th></tr></thead>
            <tbody>
              {feed.map((e) => (
                <tr key={e.uuid}>
                  <td>{formatSeconds(e.published)}</td>
                  <td>{e.actor.displayName ?? e.actor.alternateId}{e.actor.type === 'SupportStaff' ? ' (support)' : ''}</td>
                  <td>{whatOf(e)}</td>
                  <td>{targetsOf(e)}</td>
                  <td>{e.outcome.result}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </>
  );
}
