import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { call } from './client.ts';
import { DownloadLink } from './DownloadLink.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';
import {
  downloadable, downloadUrl, fieldLabels, filterWords, problemOf, RUN_STATUS_WORDS, scopeWords, unscoped,
  type ReportOrganization, type ReportRun, type ReportTemplate,
} from './types.ts';

const BASE = '/help/v1/staff/reports';

/** The report templates, read once per page that needs their names and labels. */
export function useTemplates(): { templates: ReportTemplate[] | undefined; error: unknown } {
  const [templates, setTemplates] = useState<ReportTemplate[] | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => { call<ReportTemplate[]>('GET', `${BASE}/templates`).then(setTemplates, setError); }, []);
  return { templates, error };
}

/**
 * Whether a run of these choices will be a bulk export: a template with personal fields run without its scope
 * filter (every organisation), whichever fields are ticked. More rows than the template's threshold makes one
 * too, which only the server can count; it says so by asking for a reason.
 */
function willBeBulk(template: ReportTemplate, filters: Record<string, string>): boolean {
  return template.fields.some((f) => f.personal) && unscoped(filters, template);
}

/** `datetime-local` is the browser's local time; the server takes ISO 8601 in UTC. */
function toIso(local: string): string {
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? local : at.toISOString();
}

/** The support plane's reports: the builder with the run it made, and the caller's own runs. */
export function Reports() {
  const { templates, error } = useTemplates();
  const [generation, setGeneration] = useState(0);
  return (
    <section aria-label="Reports" className="reports">
      {error !== undefined && <ProblemAlert error={error} />}
      {templates?.length === 0 && <p>There are no report templates.</p>}
      {templates && templates.length > 0 && <Builder templates={templates} onRun={() => setGeneration((g) => g + 1)} />}
      <MyRuns templates={templates} generation={generation} />
    </section>
  );
}

export default Reports;

function Builder({ templates, onRun }: { templates: ReportTemplate[]; onRun: () => void }) {
  const [templateId, setTemplateId] = useState(templates[0]?.id ?? '');
  const template = templates.find((t) => t.id === templateId) ?? templates[0];
  const [fields, setFields] = useState<Set<string>>(() => new Set(template?.fields.filter((f) => f.default).map((f) => f.name)));
  const [filters, setFilters] = useState<Record<string, string>>({});
  const [organizations, setOrganizations] = useState<ReportOrganization[] | undefined>();
  const [reason, setReason] = useState('');
  const [askedForReason, setAskedForReason] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [run, setRun] = useState<ReportRun | undefined>();

  const needsOrganizations = template?.filters.some((f) => f.kind === 'organization') ?? false;
  useEffect(() => {
    if (!needsOrganizations || organizations !== undefined) return;
    call<ReportOrganization[]>('GET', `${BASE}/organizations`).then(setOrganizations, setError);
  }, [needsOrganizations, organizations]);

  if (!template) return null;
  const applied = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== ''));
  const bulk = willBeBulk(template, applied);
  const showReason = bulk || askedForReason;

  function chooseTemplate(id: string) {
    const next = templates.find((t) => t.id === id);
    setTemplateId(id);
    setFields(new Set(next?.fields.filter((f) => f.default).map((f) => f.name)));
    setFilters({});
    setAskedForReason(false);
    setError(undefined);
    setRun(undefined);
  }

  function toggle(name: string, on: boolean) {
    setFields((current) => {
      const next = new Set(current);
      if (on) next.add(name);
      else next.delete(name);
      return next;
    });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!template) return;
    setBusy(true);
    setError(undefined);
    setRun(undefined);
    const sent = Object.fromEntries(Object.entries(applied).map(([name, value]) => [name, template.filters.find((f) => f.name === name)?.kind === 'datetime' ? toIso(value) : value]));
    try {
      const made = await call<ReportRun>('POST', `${BASE}/runs`, {
        template: template.id,
        filters: sent,
        fields: template.fields.filter((f) => fields.has(f.name)).map((f) => f.name),
        ...(showReason && reason.trim() ? { reason: reason.trim() } : {}),
      });
      setRun(made);
      setReason('');
      setAskedForReason(false);
      onRun();
    } catch (e) {
      // Over the row threshold a run is a bulk export too, which only the server can tell: it asks for a reason.
      if (problemOf(e).causes.some((c) => /reason/i.test(c)) || /reason/i.test(problemOf(e).summary)) setAskedForReason(true);
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h2>Build a report</h2>
      <form onSubmit={(e) => void submit(e)} aria-label="Build a report" className="report-builder">
        <label>
          Template
          <select value={template.id} onChange={(e) => chooseTemplate(e.target.value)}>
            {templates.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
          </select>
        </label>
        <p className="hint">{template.description} Version {template.version}.</p>

        <fieldset className="report-fields">
          <legend>Fields</legend>
          <p className="hint">With none ticked, the report has the template’s default fields, which are never personal data.</p>
          {template.fields.map((f) => (
            <label key={f.name} className="choice">
              <input type="checkbox" checked={fields.has(f.name)} onChange={(e) => toggle(f.name, e.target.checked)} />
              {f.label}
              {f.personal && <span className="badge badge-personal">Personal data</span>}
            </label>
          ))}
        </fieldset>

        <fieldset className="report-filters">
          <legend>Filters</legend>
          {template.filters.map((f) => (
            <FilterInput key={f.name} filter={f} value={filters[f.name] ?? ''} organizations={organizations}
              onChange={(value) => setFilters((current) => ({ ...current, [f.name]: value }))} />
          ))}
        </fieldset>

        {bulk ? (
          <div className="warning" role="note" aria-label="Bulk export">
            <p><strong>This will be a bulk export.</strong> No organization is chosen, so it covers every organization’s support users, and this template holds personal data.</p>
            <p>It needs a reason, raises an alert for the security team, and gives no file until a second person with the security role approves it. You cannot approve your own request.</p>
          </div>
        ) : (
          <p className="hint">
            {template.fields.some((f) => f.personal && fields.has(f.name)) ? 'It asks for personal data of one organisation. ' : ''}
            More than {template.rowThreshold} rows makes it a bulk export, which needs a reason and a second person’s approval.
          </p>
        )}
        {showReason && (
          <label>
            Reason for this bulk export
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={2000} rows={3} />
          </label>
        )}
        {error !== undefined && <ProblemAlert error={error} />}
        <button type="submit" disabled={busy}>{busy ? 'Running…' : 'Run the report'}</button>
      </form>
      {run && <RunResult run={run} template={template} onChange={setRun} />}
    </>
  );
}

function FilterInput({ filter, value, organizations, onChange }: { filter: ReportTemplate['filters'][number]; value: string; organizations: ReportOrganization[] | undefined; onChange: (value: string) => void }) {
  switch (filter.kind) {
    case 'organization':
      return (
        <label>
          {filter.label}
          <select value={value} onChange={(e) => onChange(e.target.value)}>
            <option value="">All organizations</option>
            {(organizations ?? []).map((o) => <option key={o.slug} value={o.slug}>{o.name} ({o.slug})</option>)}
          </select>
        </label>
      );
    case 'enum':
      return (
        <label>
          {filter.label}
          <select value={value} onChange={(e) => onChange(e.target.value)}>
            <option value="">Any</option>
            {(filter.options ?? []).map((o) => <option key={o} value={o}>{o}</option>)}
          </select>
        </label>
      );
    case 'datetime':
      return (
        <label>
          {filter.label}
          <input type="datetime-local" value={value} onChange={(e) => onChange(e.target.value)} />
        </label>
      );
  }
}

function DownloadLinks({ run }: { run: ReportRun }) {
  return (
    <span className="downloads-links">
      <DownloadLink path={downloadUrl(run.id, 'csv')}>Download CSV</DownloadLink>
      {' · '}
      <DownloadLink path={downloadUrl(run.id, 'xlsx')}>Download XLSX</DownloadLink>
    </span>
  );
}

/** The run just made, and what can be done with it; a run waiting for approval can be read again. */
function RunResult({ run, template, onChange }: { run: ReportRun; template: ReportTemplate; onChange: (run: ReportRun) => void }) {
  const [error, setError] = useState<unknown>();
  async function reload() {
    setError(undefined);
    try {
      onChange(await call<ReportRun>('GET', `${BASE}/runs/${encodeURIComponent(run.id)}`));
    } catch (e) {
      setError(e);
    }
  }
  return (
    <section aria-labelledby="report-run-heading" className="report-run">
      <h3 id="report-run-heading">The run</h3>
      <dl>
        <dt>Template</dt><dd>{template.name} (version {run.templateVersion})</dd>
        <dt>Filters</dt><dd>{filterWords(run.filters, template)}{unscoped(run.filters, template) && <> — <strong className="loud">all organizations</strong></>}</dd>
        <dt>Fields</dt><dd>{fieldLabels(run.fields, template)}</dd>
        <dt>Rows</dt><dd>{run.rows}</dd>
        <dt>Status</dt><dd data-testid="run-status">{RUN_STATUS_WORDS[run.status] ?? run.status}</dd>
        <dt>Bulk export</dt><dd>{run.bulk ? 'Yes' : 'No'}</dd>
        {run.reason && <><dt>Reason</dt><dd>{run.reason}</dd></>}
        {run.decision && <><dt>{run.decision.status === 'APPROVED' ? 'Approved by' : 'Denied by'}</dt><dd>{run.decision.by.name}{run.decision.note ? `: “${run.decision.note}”` : ''}</dd></>}
        <dt>{run.status === 'PENDING_APPROVAL' ? 'Request expires' : 'Downloadable until'}</dt><dd>{new Date(run.expiresAt).toLocaleString()}</dd>
      </dl>
      {downloadable(run) && (
        <>
          <p><DownloadLinks run={run} /></p>
          <p className="hint">Each download is a file of its own: it is watermarked so that it can be traced to you, and logged in the support plane’s audit log.</p>
        </>
      )}
      {run.status === 'PENDING_APPROVAL' && (
        <p role="status">This bulk export waits for a second person with the security role to approve it. You cannot approve it yourself; once approved, it can be downloaded for one hour.</p>
      )}
      {run.status === 'DENIED' && <p role="status">This request was denied.</p>}
      {run.status === 'EXPIRED' && <p role="status">This run has expired. Run the report again if you still need it.</p>}
      {error !== undefined && <ProblemAlert error={error} />}
      {(run.status === 'PENDING_APPROVAL' || run.status === 'APPROVED' || run.status === 'READY') && (
        <button type="button" className="secondary narrow" onClick={() => void reload()}>Check the run again</button>
      )}
    </section>
  );
}

/** The caller's own runs, newest first, with their files while they can be downloaded. */
function MyRuns({ templates, generation }: { templates: ReportTemplate[] | undefined; generation: number }) {
  const [runs, setRuns] = useState<ReportRun[] | undefined>();
  const [error, setError] = useState<unknown>();
  const load = useCallback(() => {
    setError(undefined);
    call<ReportRun[]>('GET', `${BASE}/runs`).then(setRuns, setError);
  }, []);
  useEffect(() => load(), [load, generation]);
  const templateOf = (id: string) => templates?.find((t) => t.id === id);
  return (
    <section aria-labelledby="my-runs-heading">
      <h2 id="my-runs-heading">My runs</h2>
      <button type="button" className="secondary narrow" onClick={load}>Refresh my runs</button>
      {error !== undefined && <ProblemAlert error={error} />}
      {runs?.length === 0 && <p>You have not run a report yet.</p>}
      {runs && runs.length > 0 && (
        <table className="report-table">
          <thead>
            <tr><th scope="col">Template</th><th scope="col">Filters</th><th scope="col">Fields</th><th scope="col">Rows</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Files</th></tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id}>
                <th scope="row">{templateOf(r.template)?.name ?? r.template}</th>
                <td>{scopeWords(r.filters, templateOf(r.template))}</td>
                <td>{fieldLabels(r.fields, templateOf(r.template))}</td>
                <td>{r.rows}</td>
                <td>{RUN_STATUS_WORDS[r.status] ?? r.status}{r.bulk ? ' (bulk export)' : ''}</td>
                <td>{new Date(r.created).toLocaleString()}</td>
                <td>{downloadable(r) ? <DownloadLinks run={r} /> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
