import { useCallback, useEffect, useState } from 'react';
import { call } from './client.ts';
import { ProblemAlert } from './ProblemAlert.tsx';
import { useTemplates } from './Reports.tsx';
import { fieldLabels, filterWords, unscoped, type ReportRun, type ReportTemplate } from './types.ts';

const BASE = '/help/v1/staff/reports';

/**
 * The security team's inbox of bulk exports waiting for a second person: each request with what it would
 * export and why, and a note to approve or deny it with. The caller's own requests are listed too; the server
 * refuses to let them decide those (403), and that refusal is shown where they tried.
 */
export function ReportApprovals() {
  const { templates, error: templatesError } = useTemplates();
  const [requests, setRequests] = useState<ReportRun[] | undefined>();
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string | undefined>();
  const load = useCallback(() => {
    setError(undefined);
    call<ReportRun[]>('GET', `${BASE}/approvals`).then(setRequests, setError);
  }, []);
  useEffect(() => load(), [load]);
  return (
    <section aria-labelledby="approvals-heading" className="reports">
      <h2 id="approvals-heading">Report approvals</h2>
      <p className="hint">Bulk exports of personal data wait here for a second person with the security role. Approving or denying needs a note for the record. An approval lets the requester download for one hour; requests not decided within 24 hours expire.</p>
      <button type="button" className="secondary narrow" onClick={load}>Refresh</button>
      {done && <p role="status">{done}</p>}
      {templatesError !== undefined && <ProblemAlert error={templatesError} />}
      {error !== undefined && <ProblemAlert error={error} />}
      {requests?.length === 0 && <p>No requests are waiting for approval.</p>}
      {requests?.map((r) => (
        <ApprovalRequest key={r.id} run={r} template={templates?.find((t) => t.id === r.template)}
          onDecided={(words) => { setDone(words); load(); }} />
      ))}
    </section>
  );
}

export default ReportApprovals;

function ApprovalRequest({ run, template, onDecided }: { run: ReportRun; template: ReportTemplate | undefined; onDecided: (words: string) => void }) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const headingId = `approval-${run.id}`;
  const everyOrganization = unscoped(run.filters, template);

  async function decide(decision: 'approve' | 'deny') {
    setBusy(true);
    setError(undefined);
    try {
      const decided = await call<ReportRun>('POST', `${BASE}/runs/${encodeURIComponent(run.id)}/${decision}`, { note });
      onDecided(decision === 'approve'
        ? `Approved ${run.requestedBy.name}’s ${template?.name ?? run.template} report; they can download it until ${new Date(decided.expiresAt).toLocaleString()}.`
        : `Denied ${run.requestedBy.name}’s ${template?.name ?? run.template} report.`);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <article aria-labelledby={headingId} className="approval">
      <h3 id={headingId}>{template?.name ?? run.template}, requested by {run.requestedBy.name}</h3>
      <dl>
        <dt>Requested by</dt><dd>{run.requestedBy.name}</dd>
        <dt>Template</dt><dd>{template?.name ?? run.template} (version {run.templateVersion})</dd>
        <dt>Filters</dt>
        <dd>
          {everyOrganization
            ? <strong className="loud">{Object.keys(run.filters).length === 0 ? 'none — all organizations' : `${filterWords(run.filters, template)}; no organization — all organizations`}</strong>
            : filterWords(run.filters, template)}
        </dd>
        <dt>Personal fields</dt><dd>{run.personalFields.length === 0 ? 'none' : <strong>{fieldLabels(run.personalFields, template)}</strong>}</dd>
        <dt>All fields</dt><dd>{fieldLabels(run.fields, template)}</dd>
        <dt>Rows</dt><dd>{run.rows}{template && run.rows > template.rowThreshold ? ` (over the template’s threshold of ${template.rowThreshold})` : ''}</dd>
        <dt>Reason</dt><dd className="reason">{run.reason ?? 'none given'}</dd>
        <dt>Requested</dt><dd>{new Date(run.created).toLocaleString()}</dd>
      </dl>
      <form onSubmit={(e) => e.preventDefault()} aria-label={`Decide ${run.requestedBy.name}’s request`}>
        <label>
          Note
          <textarea value={note} onChange={(e) => setNote(e.target.value)} required maxLength={2000} rows={2} />
        </label>
        {error !== undefined && <ProblemAlert error={error} />}
        <div className="decision">
          <button type="button" disabled={busy} onClick={() => void decide('approve')}>Approve</button>
          <button type="button" className="secondary narrow" disabled={busy} onClick={() => void decide('deny')}>Deny</button>
        </div>
      </form>
    </article>
  );
}
