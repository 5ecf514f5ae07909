import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../api.ts';
import { DownloadLink } from './DownloadLink.tsx';
import { AREA_WORDS, removalSummary, sizeWords, STAFF_STATUS_WORDS, STATUS_WORDS, type CaseWithComments } from './types.ts';

/**
 * A case's details and its conversation, with a form to add to it unless it is closed or `canSend` is false.
 * Staff see who has the case, `controls` (taking, assigning, moving it along) below its details, and `after`
 * (asking for access to the organization) below the conversation.
 */
export function Conversation({ value, label, onSend, staffView, canSend = true, attachmentUrl, controls, after }: { value: CaseWithComments; label: string; onSend: (body: string) => Promise<void>; staffView: boolean; canSend?: boolean; attachmentUrl: (id: string) => string; controls?: ReactNode; after?: ReactNode }) {
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  async function send(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onSend(body);
      setBody('');
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <article aria-label={`Case ${value.number}`}>
      <h2>#{value.number} {value.title}</h2>
      <dl>
        {value.organization && <><dt>Organisation</dt><dd>{value.organization.name} ({value.organization.slug})</dd></>}
        <dt>Status</dt><dd>{(staffView ? STAFF_STATUS_WORDS : STATUS_WORDS)[value.status] ?? value.status}</dd>
        {staffView && <><dt>Assigned to</dt><dd>{value.assignee?.name ?? 'Nobody'}</dd></>}
        <dt>Severity</dt><dd>{value.severity}</dd>
        <dt>Area</dt><dd>{AREA_WORDS[value.productArea] ?? value.productArea}</dd>
        <dt>Opened by</dt><dd>{value.openedBy.name}, {new Date(value.created).toLocaleString()}</dd>
      </dl>
      {controls}
      <p className="description">{value.description}</p>
      {value.attachments.length > 0 && (
        <ul className="attachments" aria-label="Attachments">
          {value.attachments.map((a) => (
            <li key={a.id}>
              {staffView ? <DownloadLink path={attachmentUrl(a.id)}>{a.name}</DownloadLink> : <a href={attachmentUrl(a.id)} download={a.name}>{a.name}</a>} ({a.kind.toUpperCase()}, {sizeWords(a.size)}), from {a.uploadedBy.name}. Removed before storing: {removalSummary(a.removed)}.
            </li>
          ))}
        </ul>
      )}
      <ol className="conversation" aria-label="Conversation">
        {value.comments.map((c) => (
          <li key={c.id} className={c.author.kind === 'STAFF' ? 'staff' : 'customer'}>
            <p className="meta">{c.author.kind === 'STAFF' ? `${c.author.name} (support)` : c.author.name} · {new Date(c.created).toLocaleString()}</p>
            <p>{c.body}</p>
          </li>
        ))}
      </ol>
      {value.status !== 'CLOSED' && canSend && (
        <form onSubmit={(e) => void send(e)}>
          {error && <div className="error" role="alert"><p>{error}</p></div>}
          <label>
            {label}
            <textarea value={body} onChange={(e) => setBody(e.target.value)} required maxLength={20000} rows={4} />
          </label>
          <button type="submit" disabled={busy}>{busy ? 'Sending…' : 'Send'}</button>
        </form>
      )}
      {after}
    </article>
  );
}
