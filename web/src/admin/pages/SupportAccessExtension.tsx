import { useState, type FormEvent } from 'react';
import { adminCall } from '../client.ts';
import { formatDate } from '../format.ts';
import { Dialog } from '../ui/Dialog.tsx';
import { FormActions, NumberField, TextAreaField } from '../ui/Fields.tsx';
import { Facts } from '../ui/Page.tsx';
import { formatDuration, ProblemAlert, useAction, type Grant } from './SupportAccessDialogs.tsx';

/** The shortest extension the server accepts (src/support-access/scopes.ts). */
const MIN_MINUTES = 15;
/** How far past an approval a grant may run (src/support-access/extension-service.ts). */
const MAX_MINUTES = 480;

/** Whether support's request for more time on this grant waits for a decision. */
export const extensionWaiting = (g: Grant): boolean => g.status === 'APPROVED' && g.extension?.status === 'PENDING';

/** The grant's latest request for more time, as a line of its status: asked, given, refused, lapsed or ended. */
export function ExtensionStatus({ grant: g }: { grant: Grant }) {
  const x = g.extension;
  if (!x) return null;
  const decided = x.decision;
  switch (x.status) {
    case 'PENDING':
      return (
        <p className="small support-extension">
          <span className="strong">More time asked: {formatDuration(x.durationMinutes)}</span>, {formatDate(x.requested)}
          <br /><q className="support-note">{x.justification}</q>
        </p>
      );
    case 'APPROVED':
      return <p className="small">Extended by {formatDuration(x.durationMinutes)} by {decided?.by.name}, {formatDate(decided?.at)}{decided?.note && <><br /><q className="support-note">{decided.note}</q></>}</p>;
    case 'DENIED':
      return <p className="small">More time denied by {decided?.by.name}, {formatDate(decided?.at)}{decided?.note && <><br /><q className="support-note">{decided.note}</q></>}</p>;
    case 'EXPIRED':
      return <p className="small">The request for more time lapsed with the grant</p>;
    case 'REVOKED':
      return <p className="small">The request for more time ended with the grant</p>;
  }
}

/** What support asked for and why, and when the grant ends as it stands: what an admin reads before deciding. */
function ExtensionFacts({ grant }: { grant: Grant }) {
  const x = grant.extension;
  if (!x) return null;
  return (
    <>
      <Facts items={[
        ['Support staff', grant.staff.name],
        ['Case', <code key="case">{grant.caseId}</code>],
        ['More time asked', formatDuration(x.durationMinutes)],
        ['The grant ends', formatDate(grant.expiresAt)],
      ]} />
      <h3 className="support-justification-title">Justification</h3>
      <p className="support-justification">{x.justification}</p>
    </>
  );
}

/**
 * Approving more time: the admin may shorten it (never more than asked, which the server also refuses) and add
 * a note. The minutes are added to the grant's current end. A protected action, as approving the grant was: the
 * console asks for the passkey again when the last check is too old (StepUp).
 */
export function ExtensionApproveDialog({ grant, onClose, onDone, onFailed }: { grant: Grant; onClose: () => void; onDone: (g: Grant) => void; onFailed: () => void }) {
  const asked = grant.extension?.durationMinutes ?? MIN_MINUTES;
  const [minutes, setMinutes] = useState(asked);
  const [note, setNote] = useState('');
  const { busy, error, run } = useAction(onFailed);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const body = { durationMinutes: minutes, ...(note.trim() ? { note: note.trim() } : {}) };
      onDone(await adminCall<Grant>('POST', `/api/v1/support-access/grants/${grant.id}/extension/approve`, body));
    });
  };
  const close = () => {
    if (!busy) onClose();
  };
  return (
    <Dialog title={`More time for ${grant.staff.name}`} onClose={close} variant="wide">
      <form className="form" onSubmit={submit}>
        <ExtensionFacts grant={grant} />
        <NumberField label="More time (minutes)" value={minutes} onValue={setMinutes} min={MIN_MINUTES} max={asked} disabled={busy}
          hint={`At most the ${asked} minutes (${formatDuration(asked)}) asked for, added to the grant's current end; never more than ${formatDuration(MAX_MINUTES)} from now.`} />
        <TextAreaField label="Note (optional)" value={note} onValue={setNote} maxLength={2000} rows={2} disabled={busy} hint="Support sees it with your decision." />
        <ProblemAlert error={error} />
        <FormActions>
          <button type="button" className="button-secondary" onClick={close} disabled={busy}>Cancel</button>
          <button type="submit" className="button-primary" disabled={busy} aria-busy={busy}>{busy ? 'Approving…' : 'Approve more time'}</button>
        </FormActions>
      </form>
    </Dialog>
  );
}

/** Denying more time, with an optional note: the grant keeps its end. Never a protected action. */
export function ExtensionDenyDialog({ grant, onClose, onDone, onFailed }: { grant: Grant; onClose: () => void; onDone: (g: Grant) => void; onFailed: () => void }) {
  const [note, setNote] = useState('');
  const { busy, error, run } = useAction(onFailed);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      onDone(await adminCall<Grant>('POST', `/api/v1/support-access/grants/${grant.id}/extension/deny`, note.trim() ? { note: note.trim() } : {}));
    });
  };
  const close = () => {
    if (!busy) onClose();
  };
  return (
    <Dialog title={`Deny more time for ${grant.staff.name}`} onClose={close}>
      <form className="form" onSubmit={submit}>
        <ExtensionFacts grant={grant} />
        <TextAreaField label="Note (optional)" value={note} onValue={setNote} maxLength={2000} rows={3} disabled={busy} hint="Support sees it with your decision. The grant still ends at its time." />
        <ProblemAlert error={error} />
        <FormActions>
          <button type="button" className="button-secondary" onClick={close} disabled={busy}>Cancel</button>
          <button type="submit" className="button-danger" disabled={busy} aria-busy={busy}>{busy ? 'Denying…' : 'Deny more time'}</button>
        </FormActions>
      </form>
    </Dialog>
  );
}
