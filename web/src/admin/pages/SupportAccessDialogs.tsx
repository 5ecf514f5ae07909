import { useId, useState, type FormEvent } from 'react';
import { ApiError } from '../../api.ts';
import { adminCall } from '../client.ts';
import { messageOf } from '../errors.ts';
import { formatDate } from '../format.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { FormActions, NumberField, TextAreaField } from '../ui/Fields.tsx';
import { Facts } from '../ui/Page.tsx';
import type { AccessGrant as Grant } from '../../support-access.ts';

export type { Grant };

/** The shortest grant the server accepts (src/support-access/scopes.ts). */
const MIN_MINUTES = 15;

/** 240 → "4 h", 90 → "1 h 30 min", 45 → "45 min". */
export function formatDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** An address that wraps, if it must, before its domain rather than anywhere. */
export function Email({ address }: { address: string }) {
  const at = address.lastIndexOf('@');
  return at <= 0 ? <>{address}</> : <>{address.slice(0, at)}<wbr />{address.slice(at)}</>;
}

/** A write scope says so in words, not only in colour. */
export function WriteBadge() {
  return <span className="badge badge-write">Write</span>;
}

/**
 * Why a decision failed, as the server put it: the Okta error object's summary and each of its causes
 * (`scopes: an approval can only narrow …`), announced as it appears. Other failures (a passkey check
 * cancelled, the network) say what they can; an ended session says nothing here (the console has its notice).
 */
export function ProblemAlert({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  if (!(error instanceof ApiError)) return <ErrorBanner message={messageOf(error)} />;
  return (
    <div role="alert" className="banner banner-error problem">
      <div>
        <p className="strong">{error.summary}</p>
        {error.causes.length > 0 && (
          <ul className="problem-causes">
            {error.causes.map((c) => <li key={c}>{c}</li>)}
          </ul>
        )}
      </div>
    </div>
  );
}

/** One action of a dialog at a time: whether it runs, and the failure it last ended with (kept whole, for ProblemAlert). */
export function useAction(onFailed?: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err);
      onFailed?.();
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

/** Who asked, against which case, and why: what an admin reads before deciding. */
function RequestFacts({ grant }: { grant: Grant }) {
  return (
    <>
      <Facts items={[
        ['Support staff', <span key="staff">{grant.staff.name}{grant.staff.email && <><br /><span className="small muted"><Email address={grant.staff.email} /></span></>}</span>],
        ['Case', <code key="case">{grant.caseId}</code>],
        ['Asked for', formatDuration(grant.durationMinutes)],
        ['Decide by', formatDate(grant.decideBy)],
      ]} />
      <h3 className="support-justification-title">Justification</h3>
      <p className="support-justification">{grant.justification}</p>
    </>
  );
}

/**
 * Approving a request: the admin may untick scopes and shorten the time (never more than asked, which the
 * server also refuses), and add a note support sees. Approving is a protected action: a passkey older than the
 * tenant's window makes the console ask for it again (StepUp) and the approval goes on once it is given.
 */
export function ApproveDialog({ grant, onClose, onDone, onFailed }: { grant: Grant; onClose: () => void; onDone: (g: Grant) => void; onFailed: () => void }) {
  const [scopes, setScopes] = useState<string[]>(() => grant.scopes.map((s) => s.name));
  const [minutes, setMinutes] = useState(grant.durationMinutes);
  const [note, setNote] = useState('');
  const { busy, error, run } = useAction(onFailed);
  const scopesHint = useId();
  const noneLeft = scopes.length === 0;

  const toggle = (name: string, on: boolean) => setScopes((now) => (on ? grant.scopes.map((s) => s.name).filter((n) => n === name || now.includes(n)) : now.filter((n) => n !== name)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (noneLeft) return;
    void run(async () => {
      const body = { scopes, durationMinutes: minutes, ...(note.trim() ? { note: note.trim() } : {}) };
      onDone(await adminCall<Grant>('POST', `/api/v1/support-access/grants/${grant.id}/approve`, body));
    });
  };
  const close = () => {
    if (!busy) onClose();
  };

  return (
    <Dialog title={`Approve access for ${grant.staff.name}`} onClose={close} variant="wide">
      <form className="form" onSubmit={submit}>
        <RequestFacts grant={grant} />
        <fieldset className="checkbox-group support-scopes" aria-describedby={scopesHint}>
          <legend>Scopes to grant</legend>
          <p id={scopesHint} className="hint">Untick what support does not need. An approval can only narrow what was asked for.</p>
          {grant.scopes.map((s) => (
            <label key={s.name}>
              <input type="checkbox" checked={scopes.includes(s.name)} onChange={(e) => toggle(s.name, e.target.checked)} disabled={busy} />
              <span>{s.label} <code className="small muted">{s.name}</code>{s.write && <> <WriteBadge /></>}</span>
            </label>
          ))}
        </fieldset>
        {noneLeft && <ErrorBanner message="Keep at least one scope, or deny the request instead." />}
        <NumberField label="Duration (minutes)" value={minutes} onValue={setMinutes} min={MIN_MINUTES} max={grant.durationMinutes} disabled={busy}
          hint={`At most the ${grant.durationMinutes} minutes (${formatDuration(grant.durationMinutes)}) asked for. The grant runs from your approval.`} />
        <TextAreaField label="Note (optional)" value={note} onValue={setNote} maxLength={2000} rows={2} disabled={busy} hint="Support sees it with your decision." />
        <ProblemAlert error={error} />
        <FormActions>
          <button type="button" className="button-secondary" onClick={close} disabled={busy}>Cancel</button>
          <button type="submit" className="button-primary" disabled={busy || noneLeft} aria-busy={busy}>{busy ? 'Approving…' : 'Approve access'}</button>
        </FormActions>
      </form>
    </Dialog>
  );
}

/** Denying a request, with an optional note support sees. Never a protected action: saying no is never slowed down. */
export function DenyDialog({ grant, onClose, onDone, onFailed }: { grant: Grant; onClose: () => void; onDone: (g: Grant) => void; onFailed: () => void }) {
  const [note, setNote] = useState('');
  const { busy, error, run } = useAction(onFailed);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      onDone(await adminCall<Grant>('POST', `/api/v1/support-access/grants/${grant.id}/deny`, note.trim() ? { note: note.trim() } : {}));
    });
  };
  const close = () => {
    if (!busy) onClose();
  };
  return (
    <Dialog title={`Deny access for ${grant.staff.name}`} onClose={close}>
      <form className="form" onSubmit={submit}>
        <RequestFacts grant={grant} />
        <TextAreaField label="Note (optional)" value={note} onValue={setNote} maxLength={2000} rows={3} disabled={busy} hint="Support sees it with your decision, for example what to send instead." />
        <ProblemAlert error={error} />
        <FormActions>
          <button type="button" className="button-secondary" onClick={close} disabled={busy}>Cancel</button>
          <button type="submit" className="button-danger" disabled={busy} aria-busy={busy}>{busy ? 'Denying…' : 'Deny request'}</button>
        </FormActions>
      </form>
    </Dialog>
  );
}
