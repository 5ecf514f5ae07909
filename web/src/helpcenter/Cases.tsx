import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError, call } from '../api.ts';
import { Conversation } from './Conversation.tsx';
import { AREA_WORDS, removalSummary, SEVERITY_WORDS, STATUS_WORDS, type Attachment, type CaseWithComments, type SupportCase } from './types.ts';

type View = { kind: 'list' } | { kind: 'new' } | { kind: 'case'; id: string };

/** A customer's cases: the list (their own, or the organisation's for an admin), a new case, one case. */
export function Cases({ seesAll }: { seesAll: boolean }) {
  const [view, setView] = useState<View>({ kind: 'list' });
  return (
    <section aria-label="Support cases">
      {view.kind === 'list' && <CaseList seesAll={seesAll} onOpen={(id) => setView({ kind: 'case', id })} onNew={() => setView({ kind: 'new' })} />}
      {view.kind === 'new' && <NewCase onDone={(id) => setView(id ? { kind: 'case', id } : { kind: 'list' })} />}
      {view.kind === 'case' && <CaseView id={view.id} onBack={() => setView({ kind: 'list' })} />}
    </section>
  );
}

function CaseList({ seesAll, onOpen, onNew }: { seesAll: boolean; onOpen: (id: string) => void; onNew: () => void }) {
  const [cases, setCases] = useState<SupportCase[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    call<SupportCase[]>('GET', '/help/v1/cases?limit=200').then(setCases, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);
  return (
    <>
      <h2>{seesAll ? 'Your organisation’s cases' : 'Your cases'}</h2>
      <button type="button" onClick={onNew}>Open a case</button>
      {error && <div className="error" role="alert"><p>{error}</p></div>}
      {cases?.length === 0 && <p>No cases yet.</p>}
      {cases && cases.length > 0 && (
        <table>
          <thead><tr><th scope="col">Case</th><th scope="col">Title</th><th scope="col">Severity</th><th scope="col">Status</th><th scope="col">Updated</th></tr></thead>
          <tbody>
            {cases.map((c) => (
              <tr key={c.id}>
                <td>#{c.number}</td>
                <td><button type="button" className="inline" onClick={() => onOpen(c.id)}>{c.title}</button></td>
                <td>{c.severity}</td>
                <td>{STATUS_WORDS[c.status] ?? c.status}</td>
                <td>{new Date(c.lastUpdated).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function NewCase({ onDone }: { onDone: (id?: string) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      const opened = await call<SupportCase>('POST', '/help/v1/cases', {
        title: String(form.get('title') ?? ''), description: String(form.get('description') ?? ''),
        severity: String(form.get('severity') ?? ''), productArea: String(form.get('productArea') ?? ''),
      });
      onDone(opened.id);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
      setBusy(false);
    }
  }
  return (
    <form onSubmit={(e) => void submit(e)} aria-label="Open a case">
      <h2>Open a case</h2>
      {error && <div className="error" role="alert"><p>{error}</p></div>}
      <label>Title<input name="title" required maxLength={200} /></label>
      <label>What happened<textarea name="description" required maxLength={20000} rows={6} /></label>
      <label>
        Severity
        <select name="severity" defaultValue="SEV3">
          {Object.entries(SEVERITY_WORDS).map(([value, words]) => <option key={value} value={value}>{words}</option>)}
        </select>
      </label>
      <label>
        Area
        <select name="productArea" defaultValue="SIGN_IN">
          {Object.entries(AREA_WORDS).map(([value, words]) => <option key={value} value={value}>{words}</option>)}
        </select>
      </label>
      <button type="submit" disabled={busy}>{busy ? 'Opening…' : 'Open the case'}</button>
      <button type="button" className="secondary" onClick={() => onDone()}>Cancel</button>
    </form>
  );
}

function CaseView({ id, onBack }: { id: string; onBack: () => void }) {
  const [value, setValue] = useState<CaseWithComments | undefined>();
  const [error, setError] = useState<string | undefined>();
  const load = useCallback(() => call<CaseWithComments>('GET', `/help/v1/cases/${id}`).then(setValue, (e: unknown) => setError(e instanceof Error ? e.message : String(e))), [id]);
  useEffect(() => { void load(); }, [load]);
  async function close() {
    await call('POST', `/help/v1/cases/${id}/lifecycle/close`);
    await load();
  }
  return (
    <>
      <button type="button" className="link" onClick={onBack}>← All cases</button>
      {error && <div className="error" role="alert"><p>{error}</p></div>}
      {value && (
        <>
          <Conversation value={value} label="Add a comment" staffView={false} attachmentUrl={(a) => `/help/v1/cases/${id}/attachments/${a}`}
            onSend={async (body) => { await call('POST', `/help/v1/cases/${id}/comments`, { body }); await load(); }} />
          {value.status !== 'CLOSED' && <AttachFile caseId={id} onAttached={load} />}
          {value.status !== 'CLOSED' && <button type="button" className="secondary" onClick={() => void close()}>Close the case</button>}
        </>
      )}
    </>
  );
}

/**
 * Attaches a file as its own bytes; the server decides what it is from its content and removes cookies, tokens
 * and passwords before storing it, and this says what it removed.
 */
function AttachFile({ caseId, onAttached }: { caseId: string; onAttached: () => Promise<unknown> }) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | undefined>();
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const file = new FormData(event.currentTarget).get('file');
    if (!(file instanceof File) || file.size === 0) return;
    setBusy(true);
    setResult(undefined);
    try {
      const res = await fetch(`/help/v1/cases/${caseId}/attachments?${new URLSearchParams({ name: file.name })}`, {
        method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/octet-stream', accept: 'application/json' }, body: file,
      });
      const body = (await res.json()) as Attachment & { errorCauses?: { errorSummary: string }[] };
      if (!res.ok) throw new Error(body.errorCauses?.[0]?.errorSummary.replace(/^attachment: /, '') ?? 'The file was not attached.');
      setResult({ ok: true, text: `${file.name} is attached. Removed before storing: ${removalSummary(body.removed)}.` });
      await onAttached();
    } catch (e) {
      setResult({ ok: false, text: e instanceof ApiError || e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={(e) => void submit(e)} aria-label="Attach a file">
      {result && (result.ok ? <p role="status">{result.text}</p> : <div className="error" role="alert"><p>{result.text}</p></div>)}
      <label>
        Attach a HAR file, a log or JSON (up to 50 MB)
        <input type="file" name="file" required accept=".har,.json,.log,.txt,application/json,text/plain" />
      </label>
      <p className="hint">Cookies, tokens, passwords and keys are removed from the file before it is stored; the original is never kept.</p>
      <button type="submit" disabled={busy}>{busy ? 'Attaching…' : 'Attach'}</button>
    </form>
  );
}
