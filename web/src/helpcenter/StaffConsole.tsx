import { lazy, Suspense, useCallback, useEffect, useState, type FormEvent } from 'react';
import { call } from '../api.ts';
import { Conversation } from './Conversation.tsx';
import type { CaseStatus, CaseWithComments, SupportCase } from './types.ts';

const Reports = lazy(() => import('./Reports.tsx'));
const ReportApprovals = lazy(() => import('./ReportApprovals.tsx'));
const ReportDownloads = lazy(() => import('./ReportDownloads.tsx'));

/** The console's areas and the staff roles that open each (the server checks again). */
const AREAS = [
  { area: 'queue', label: 'Case queue', roles: ['AGENT', 'SENIOR_AGENT', 'SECURITY'] },
  { area: 'reports', label: 'Reports', roles: ['AGENT', 'SENIOR_AGENT', 'SECURITY', 'REPORT_ADMIN'] },
  { area: 'approvals', label: 'Report approvals', roles: ['SECURITY'] },
  { area: 'downloads', label: 'Report downloads', roles: ['SECURITY'] },
] as const;
type Area = (typeof AREAS)[number]['area'];

const QUEUE_STATUS: Record<CaseStatus, string> = { OPEN: 'Open', WAITING_ON_CUSTOMER: 'Waiting on the customer', CLOSED: 'Closed' };

/** The support console: the cell's queue, searchable, and a case with the reply form; reports for those who may. */
export function StaffConsole({ roles }: { roles: string[] }) {
  const areas = AREAS.filter((a) => a.roles.some((r) => roles.includes(r)));
  const [area, setArea] = useState<Area | undefined>(areas[0]?.area);
  const [open, setOpen] = useState<string | undefined>();
  if (areas.length === 0 || area === undefined) {
    return <p role="status">You have no support role yet. Ask your support plane’s administrator to add you to a support group.</p>;
  }
  return (
    <>
      {areas.length > 1 && (
        <nav className="console-nav" aria-label="Support console">
          <ul>{areas.map((a) => <li key={a.area}><button type="button" aria-current={a.area === area ? 'page' : undefined} onClick={() => setArea(a.area)}>{a.label}</button></li>)}</ul>
        </nav>
      )}
      {area === 'queue' && (open === undefined ? <Queue onOpen={setOpen} /> : <StaffCase id={open} canReply={roles.some((r) => r === 'AGENT' || r === 'SENIOR_AGENT')} onBack={() => setOpen(undefined)} />)}
      <Suspense fallback={<p className="loading">Loading…</p>}>
        {area === 'reports' && <Reports />}
        {area === 'approvals' && <ReportApprovals />}
        {area === 'downloads' && <ReportDownloads />}
      </Suspense>
    </>
  );
}

function Queue({ onOpen }: { onOpen: (id: string) => void }) {
  const [status, setStatus] = useState<CaseStatus | ''>('OPEN');
  const [query, setQuery] = useState('');
  const [cases, setCases] = useState<SupportCase[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const load = useCallback((q: string, s: CaseStatus | '') => {
    const params = new URLSearchParams({ limit: '200', ...(s ? { status: s } : {}), ...(q.trim() ? { q: q.trim() } : {}) });
    call<SupportCase[]>('GET', `/help/v1/staff/cases?${params}`).then(setCases, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);
  useEffect(() => load('', 'OPEN'), [load]);
  function search(event: FormEvent) {
    event.preventDefault();
    load(query, status);
  }
  return (
    <>
      <h2>Case queue</h2>
      <form className="filters" onSubmit={search} role="search">
        <label>Search<input type="search" value={query} onChange={(e) => setQuery(e.target.value)} maxLength={200} /></label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as CaseStatus | '')}>
            <option value="">Any</option>
            {Object.entries(QUEUE_STATUS).map(([value, words]) => <option key={value} value={value}>{words}</option>)}
          </select>
        </label>
        <button type="submit">Show</button>
      </form>
      {error && <div className="error" role="alert"><p>{error}</p></div>}
      {cases?.length === 0 && <p>No cases.</p>}
      {cases && cases.length > 0 && (
        <table>
          <thead><tr><th scope="col">Case</th><th scope="col">Organisation</th><th scope="col">Title</th><th scope="col">Severity</th><th scope="col">Status</th></tr></thead>
          <tbody>
            {cases.map((c) => (
              <tr key={c.id}>
                <td>#{c.number}</td>
                <td>{c.organization?.name}</td>
                <td><button type="button" className="inline" onClick={() => onOpen(c.id)}>{c.title}</button></td>
                <td>{c.severity}</td>
                <td>{QUEUE_STATUS[c.status]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function StaffCase({ id, canReply, onBack }: { id: string; canReply: boolean; onBack: () => void }) {
  const [value, setValue] = useState<CaseWithComments | undefined>();
  const [error, setError] = useState<string | undefined>();
  const load = useCallback(() => call<CaseWithComments>('GET', `/help/v1/staff/cases/${id}`).then(setValue, (e: unknown) => setError(e instanceof Error ? e.message : String(e))), [id]);
  useEffect(() => { void load(); }, [load]);
  return (
    <>
      <button type="button" className="link" onClick={onBack}>← Queue</button>
      {error && <div className="error" role="alert"><p>{error}</p></div>}
      {value && (
        <Conversation value={value} canSend={canReply} attachmentUrl={(a) => `/help/v1/staff/cases/${id}/attachments/${a}`} label="Reply to the customer" staffView
          onSend={async (body) => { await call('POST', `/help/v1/staff/cases/${id}/comments`, { body }); await load(); }} />
      )}
    </>
  );
}
