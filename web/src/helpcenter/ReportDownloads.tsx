import { useCallback, useEffect, useState } from 'react';
import { call } from './client.ts';
import { ProblemAlert } from './ProblemAlert.tsx';
import { useTemplates } from './Reports.tsx';
import { DOWNLOAD_STATUS_WORDS, scopeWords, shortHash, sizeWords, type Reconciliation, type ReportDownload, type ReportTemplate } from './types.ts';

const BASE = '/help/v1/staff/reports';

const personOf = (d: ReportDownload) => d.downloadedBy.name;

function Hash({ value }: { value: string | null }) {
  return value ? <code title={value}>{shortHash(value)}</code> : <>—</>;
}

/**
 * The security team's view of every report download of the cell, each with the size and SHA-256 of the file
 * served, and reconciliation: the file re-made as of its download under its filters and each wider variant,
 * which says what a file seen elsewhere (or the logged one) really contained.
 */
export function ReportDownloads() {
  const { templates } = useTemplates();
  const [downloads, setDownloads] = useState<ReportDownload[] | undefined>();
  const [error, setError] = useState<unknown>();
  const [reconciling, setReconciling] = useState<string | undefined>();
  const [result, setResult] = useState<Reconciliation | undefined>();
  const load = useCallback(() => {
    setError(undefined);
    call<ReportDownload[]>('GET', `${BASE}/downloads`).then(setDownloads, setError);
  }, []);
  useEffect(() => load(), [load]);
  const templateOf = (id: string) => templates?.find((t) => t.id === id);

  async function reconcile(id: string) {
    setReconciling(id);
    setError(undefined);
    setResult(undefined);
    try {
      setResult(await call<Reconciliation>('POST', `${BASE}/downloads/${encodeURIComponent(id)}/reconcile`, {}));
    } catch (e) {
      setError(e);
    } finally {
      setReconciling(undefined);
    }
  }

  return (
    <section aria-labelledby="downloads-heading" className="reports">
      <h2 id="downloads-heading">Report downloads</h2>
      <button type="button" className="secondary narrow" onClick={load}>Refresh</button>
      {error !== undefined && <ProblemAlert error={error} />}
      {downloads?.length === 0 && <p>No report has been downloaded.</p>}
      {downloads && downloads.length > 0 && (
        <table className="report-table">
          <thead>
            <tr>
              <th scope="col">Who</th><th scope="col">Started</th><th scope="col">Template</th><th scope="col">Filters</th><th scope="col">Rows</th>
              <th scope="col">Size</th><th scope="col">SHA-256</th><th scope="col">Status</th><th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {downloads.map((d) => (
              <tr key={d.id} className={result?.download.id === d.id ? 'selected' : undefined}>
                <th scope="row">{personOf(d)}</th>
                <td>{new Date(d.started).toLocaleString()}</td>
                <td>{templateOf(d.template)?.name ?? d.template} v{d.templateVersion}, {d.format.toUpperCase()}</td>
                <td>{scopeWords(d.filters, templateOf(d.template))}</td>
                <td>{d.rows}</td>
                <td>{d.bytes === null ? '—' : sizeWords(d.bytes)}</td>
                <td><Hash value={d.sha256} /></td>
                <td>{DOWNLOAD_STATUS_WORDS[d.status] ?? d.status}</td>
                <td>
                  <button type="button" className="inline" disabled={reconciling !== undefined} onClick={() => void reconcile(d.id)}>
                    {reconciling === d.id ? 'Reconciling…' : 'Reconcile'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {result && <ReconcileResult result={result} template={templateOf(result.download.template)} />}
    </section>
  );
}

export default ReportDownloads;

function matchWords(bytes: boolean | null, sha256: boolean): string {
  if (sha256) return bytes === null ? 'Yes: SHA-256 of the content' : bytes ? 'Yes: size and SHA-256' : 'SHA-256 only';
  return bytes ? 'Size only' : 'No';
}

function ReconcileResult({ result, template }: { result: Reconciliation; template: ReportTemplate | undefined }) {
  const { download, observed, variants, match } = result;
  return (
    <section aria-labelledby="reconcile-heading" className="reconcile">
      <h3 id="reconcile-heading">Reconciliation of {personOf(download)}’s download of {new Date(download.started).toLocaleString()}</h3>
      <p>
        Compared with the file served: {observed.bytes === null ? 'size not compared' : `${observed.bytes} bytes`}, SHA-256 <Hash value={observed.sha256} />
        {download.format === 'xlsx' ? ' (an XLSX file is compared by its rows as CSV, since the archive records when it was written)' : ''}.
        Each variant is the file re-made as of {new Date(download.asOf).toLocaleString()}.
      </p>
      <p role="status">{match ? <>It matches the variant <strong>{match}</strong>.</> : 'No variant matches.'}</p>
      <table className="report-table">
        <thead>
          <tr><th scope="col">Variant</th><th scope="col">Filters</th><th scope="col">Rows</th><th scope="col">Bytes</th><th scope="col">SHA-256</th><th scope="col">Matches</th></tr>
        </thead>
        <tbody>
          {variants.map((v) => (
            <tr key={v.name} className={v.name === match ? 'match' : undefined}>
              <th scope="row">{v.name}{v.name === match && <> <span className="badge badge-match">Match</span></>}</th>
              <td>{scopeWords(v.filters, template)}</td>
              <td>{v.rows}</td>
              <td>{v.bytes}</td>
              <td><Hash value={v.sha256} /></td>
              <td>{matchWords(v.matchesBytes, v.matchesSha256)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
