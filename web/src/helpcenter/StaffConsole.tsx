import { lazy, Suspense, useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { call } from './client.ts';
import { AccessRequest, MyAccess } from './AccessGrants.tsx';
import { Conversation } from './Conversation.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';
import { STAFF_STATUS_WORDS, type CaseStatus, type CaseWithComments, type CaseWorker, type StaffMember, type SupportCase } from './types.ts';

const Reports = lazy(() => import('./Reports.tsx'));
const ReportApprovals = lazy(() => import('./ReportApprovals.tsx'));
const ReportDownloads = lazy(() => import('./ReportDownloads.tsx'));

/** The console's areas and the staff roles that open each (the server checks again). */
const AREAS = [
  { area: 'queue', label: 'Case queue', roles: ['AGENT', 'SENIOR_AGENT', 'SECURITY'] },
  { area: 'access', label: 'My access', roles: ['AGENT', 'SENIOR_AGENT'] },
  { area: 'reports', label: 'Reports', roles: ['AGENT', 'SENIOR_AGENT', 'SECURITY', 'REPORT_ADMIN'] },
  { area: 'approvals', label: 'Report approvals', roles: ['SECURITY'] },
  { area: 'downloads', label: 'Report downloads', roles: ['SECURITY'] },
] as const;
type Area = (typeof AREAS)[number]['area'];

/** Who may take, assign and move cases along (the server checks again); SECURITY staff read only. */
const WORKERS = ['AGENT', 'SENIOR_AGENT'];

/** The queue's filters: status, whose cases (`assignee=me|nobody`), and the search words. */
type QueueFilter = { status: CaseStatus | ''; assignee: '' | 'me' | 'nobody'; q: string };

const ASSIGNEE_FILTER_WORDS: Record<QueueFilter['assignee'], string> = { '': 'All', me: 'Mine', nobody: 'Unassigned' };

/** The support console: the cell's queue, searchable, and a case with the reply form; reports for those who may. */
export function StaffConsole({ me }: { me: StaffMember }) {
  const roles = me.staffRoles;
  const areas = AREAS.filter((a) => a.roles.some((r) => roles.includes(r)));
  const [area, setArea] = useState<Area | undefined>(areas[0]?.area);
  const [open, setOpen] = useState<string | undefined>();
  // Kept here so that going back from a case shows the queue as it was filtered.
  const [filter, setFilter] = useState<QueueFilter>({ status: 'OPEN', assignee: '', q: '' });
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
      {area === 'queue' && (open === undefined ? <Queue filter={filter} onFilter={setFilter} onOpen={setOpen} /> : <StaffCase id={open} me={me} onBack={() => setOpen(undefined)} />)}
      {area === 'access' && <MyAccess onOpenCase={(id) => { setOpen(id); setArea('queue'); }} />}
      <Suspense fallback={<p className="loading">Loading…</p>}>
        {area === 'reports' && <Reports />}
        {area === 'approvals' && <ReportApprovals />}
        {area === 'downloads' && <ReportDownloads />}
      </Suspense>
    </>
  );
}

function Queue({ filter, onFilter, onOpen }: { filter: QueueFilter; onFilter: (f: QueueFilter) => void; onOpen: (id: string) => void }) {
  const [status, setStatus] = useState(filter.status);
  const [assignee, setAssignee] = useState(filter.assignee);
  const [query, setQuery] = useState(filter.q);
  const [cases, setCases] = useState<SupportCase[] | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let current = true;
    const q = filter.q.trim();
    const params = new URLSearchParams({ limit: '200', ...(filter.status ? { status: filter.status } : {}), ...(filter.assignee ? { assignee: filter.assignee } : {}), ...(q ? { q } : {}) });
    setError(undefined);
    call<SupportCase[]>('GET', `/help/v1/staff/cases?${params}`).then((c) => { if (current) setCases(c); }, (e: unknown) => { if (current) setError(e); });
    return () => { current = false; };
  }, [filter]);
  function search(event: FormEvent) {
    event.preventDefault();
    onFilter({ status, assignee, q: query });
  }
  return (
    <>
      <h2>Case queue</h2>
      <form className="filters" onSubmit={search} role="search" aria-label="Filter the queue">
        <label>Search<input type="search" value={query} onChange={(e) => setQuery(e.target.value)} maxLength={200} /></label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as CaseStatus | '')}>
            <option value="">Any</option>
            {Object.entries(STAFF_STATUS_WORDS).map(([value, words]) => <option key={value} value={value}>{words}</option>)}
          </select>
        </label>
        <label>
          Assignee
          <select value={assignee} onChange={(e) => setAssignee(e.target.value as QueueFilter['assignee'])}>
            {Object.entries(ASSIGNEE_FILTER_WORDS).map(([value, words]) => <option key={value} value={value}>{words}</option>)}
          </select>
        </label>
        <button type="submit">Show</button>
      </form>
      {error !== undefined && <ProblemAlert error={error} />}
      {cases?.length === 0 && <p>No cases.</p>}
      {cases && cases.length > 0 && (
        <table aria-label="Cases">
          <thead><tr><th scope="col">Case</th><th scope="col">Organisation</th><th scope="col">Title</th><th scope="col">Severity</th><th scope="col">Status</th><th scope="col">Assignee</th></tr></thead>
          <tbody>
            {cases.map((c) => (
              <tr key={c.id}>
                <td>#{c.number}</td>
                <td>{c.organization?.name}</td>
                <td><button type="button" className="inline" onClick={() => onOpen(c.id)}>{c.title}</button></td>
                <td>{c.severity}</td>
                <td>{STAFF_STATUS_WORDS[c.status] ?? c.status}</td>
                <td>{c.assignee?.name ?? 'Nobody'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function StaffCase({ id, me, onBack }: { id: string; me: StaffMember; onBack: () => void }) {
  const canWork = me.staffRoles.some((r) => WORKERS.includes(r));
  const [value, setValue] = useState<CaseWithComments | undefined>();
  const [error, setError] = useState<unknown>();
  const load = useCallback(() => call<CaseWithComments>('GET', `/help/v1/staff/cases/${id}`).then((c) => { setError(undefined); setValue(c); }, setError), [id]);
  useEffect(() => { void load(); }, [load]);
  // A change answers with the case without its conversation: what changed replaces what was shown.
  const changed = useCallback((c: SupportCase) => setValue((v) => v && { ...v, ...c }), []);
  return (
    <>
      <button type="button" className="link" onClick={onBack}>← Queue</button>
      {error !== undefined && <ProblemAlert error={error} />}
      {value && (
        <Conversation value={value} canSend={canWork} attachmentUrl={(a) => `/help/v1/staff/cases/${id}/attachments/${a}`} label="Reply to the customer" staffView
          controls={canWork && <CaseWork value={value} me={me} onChanged={changed} onRefused={load} />}
          after={canWork && <AccessRequest value={value} />}
          onSend={async (body) => { await call('POST', `/help/v1/staff/cases/${id}/comments`, { body }); await load(); }} />
      )}
    </>
  );
}

/**
 * Taking a case and moving it along, for agents and senior agents: an agent takes an unassigned case or gives
 * back their own; a senior agent assigns it to anyone who works cases, or to nobody. A closed case is reopened
 * before it is assigned. The server's answer (or its error object) is shown in place; after a refusal the case is
 * read again, since it may have changed meanwhile.
 */
function CaseWork({ value, me, onChanged, onRefused }: { value: SupportCase; me: StaffMember; onChanged: (c: SupportCase) => void; onRefused: () => Promise<unknown> }) {
  const senior = me.staffRoles.includes('SENIOR_AGENT');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>();
  const [notice, setNotice] = useState('');
  const [members, setMembers] = useState<CaseWorker[] | undefined>();
  useEffect(() => {
    if (senior) call<CaseWorker[]>('GET', '/help/v1/staff/members').then(setMembers, (e: unknown) => { setMembers([]); setProblem(e); });
  }, [senior]);

  async function change(what: 'assignee' | 'status', body: { assigneeId: string | null } | { status: CaseStatus }, said: (c: SupportCase) => string) {
    setBusy(true);
    setProblem(undefined);
    setNotice('');
    try {
      const c = await call<SupportCase>('POST', `/help/v1/staff/cases/${value.id}/${what}`, body);
      onChanged(c);
      setNotice(said(c));
    } catch (e) {
      setProblem(e);
      // Refused, perhaps because the case changed meanwhile (closed by the customer, taken by someone else): show it as it is now.
      await onRefused();
    } finally {
      setBusy(false);
    }
  }
  const assign = (assigneeId: string | null) => change('assignee', { assigneeId }, (c) =>
    c.assignee ? `${c.assignee.id === me.id ? 'You have' : `${c.assignee.name} has`} the case; it is ${STAFF_STATUS_WORDS[c.status].toLowerCase()}.` : 'Nobody has the case now.');
  const mine = value.assignee?.id === me.id;
  const heading = useId();

  return (
    <section className="case-work" aria-labelledby={heading}>
      <h3 id={heading}>Work on the case</h3>
      {problem !== undefined && <ProblemAlert error={problem} />}
      <p role="status" className="notice">{notice}</p>
      {value.status === 'CLOSED' ? (
        <p className="hint">The case is closed: reopen it to assign it.</p>
      ) : senior ? (
        members === undefined ? <p className="loading">Loading who works cases…</p> : (
          <AssignForm key={value.assignee?.id ?? ''} current={value.assignee ?? null} members={members} me={me} busy={busy} onAssign={(to) => void assign(to)} />
        )
      ) : value.assignee === null || value.assignee === undefined ? (
        <button type="button" disabled={busy} onClick={() => void assign(me.id)}>Take this case</button>
      ) : mine ? (
        <button type="button" className="secondary narrow" disabled={busy} onClick={() => void assign(null)}>Give back</button>
      ) : (
        <p className="hint">{value.assignee.name} has this case; a senior agent can give it to someone else.</p>
      )}
      <StatusForm key={value.status} current={value.status} busy={busy}
        onChange={(status) => void change('status', { status }, (c) => `The case is ${STAFF_STATUS_WORDS[c.status].toLowerCase()}.`)} />
    </section>
  );
}

function AssignForm({ current, members, me, busy, onAssign }: { current: { id: string; name: string } | null; members: CaseWorker[]; me: StaffMember; busy: boolean; onAssign: (id: string | null) => void }) {
  const [to, setTo] = useState(current?.id ?? '');
  // Whoever has the case stays choosable though they no longer work cases, so the select says who has it.
  const options = current && !members.some((m) => m.id === current.id) ? [{ id: current.id, name: current.name, email: null }, ...members] : members;
  function submit(event: FormEvent) {
    event.preventDefault();
    onAssign(to === '' ? null : to);
  }
  return (
    <form className="inline-form" onSubmit={submit}>
      <label>
        Assign to
        <select value={to} onChange={(e) => setTo(e.target.value)}>
          <option value="">Nobody</option>
          {options.map((m) => <option key={m.id} value={m.id}>{m.name}{m.id === me.id ? ' (you)' : m.email ? ` (${m.email})` : ''}</option>)}
        </select>
      </label>
      <button type="submit" disabled={busy}>Assign</button>
    </form>
  );
}

function StatusForm({ current, busy, onChange }: { current: CaseStatus; busy: boolean; onChange: (status: CaseStatus) => void }) {
  const [status, setStatus] = useState(current);
  function submit(event: FormEvent) {
    event.preventDefault();
    onChange(status);
  }
  return (
    <form className="inline-form" onSubmit={submit}>
      <label>
        Set status
        <select value={status} onChange={(e) => setStatus(e.target.value as CaseStatus)}>
          {Object.entries(STAFF_STATUS_WORDS).map(([value, words]) => <option key={value} value={value}>{words}</option>)}
        </select>
      </label>
      <button type="submit" disabled={busy}>Change status</button>
    </form>
  );
}
