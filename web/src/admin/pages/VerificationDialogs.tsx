import { useState, type FormEvent } from 'react';
import { adminCall } from '../client.ts';
import { formatDate } from '../format.ts';
import type { Verification } from '../types.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { FormActions, TextAreaField } from '../ui/Fields.tsx';
import { Facts } from '../ui/Page.tsx';
import { useRunner } from '../ui/useRunner.ts';
import { ACTION_WORDS } from './verification.ts';

/** The shortest statement the server takes (src/verification/schemas.ts). */
const MIN_STATEMENT = 10;

const pathOf = (v: Verification) => `/api/v1/users/${encodeURIComponent(v.userId)}/verifications/${v.id}`;

/** Who is to be verified, for what, asked by whom and until when: what a second admin reads before deciding. */
function RequestFacts({ v, person }: { v: Verification; person: string }) {
  return (
    <Facts items={[
      ['Person', person],
      ['For', ACTION_WORDS[v.action].label],
      ['Asked by', v.requestedBy.name],
      ['Asked', formatDate(v.created)],
      ['Lapses', formatDate(v.verifyBy)],
    ]} />
  );
}

/**
 * A second admin attests that they verified the person, saying how. A protected action: the console asks for
 * the passkey again when the last check is too old (StepUp.tsx, through client.ts).
 */
export function AttestDialog({ v, person, onClose, onDone }: { v: Verification; person: string; onClose: () => void; onDone: (v: Verification) => void }) {
  const [statement, setStatement] = useState('');
  const { busy, error, run } = useRunner();
  const long = statement.trim().length >= MIN_STATEMENT;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!long) return;
    void run(async () => onDone(await adminCall<Verification>('POST', `${pathOf(v)}/attest`, { statement: statement.trim() })));
  };
  return (
    <Dialog title={`Attest that this is ${person}`} onClose={() => { if (!busy) onClose(); }}>
      <form className="form" onSubmit={submit}>
        <RequestFacts v={v} person={person} />
        <p className="banner banner-warning">
          Attest only if you yourself have just verified that the person asking is {person}: on a video call, in person, with a
          check you trust. {v.requestedBy.name} can then reset their {ACTION_WORDS[v.action].object} once, within 15 minutes.
        </p>
        <TextAreaField label="How you verified them" value={statement} onValue={setStatement} required minLength={MIN_STATEMENT} maxLength={2000} rows={3}
          hint={`In words a reviewer of the System Log can check, e.g. “Video call, face and badge matched the HR photo”. At least ${MIN_STATEMENT} characters.`} />
        <ErrorBanner message={error} />
        <FormActions>
          <button type="button" className="button-secondary" onClick={onClose} disabled={busy}>Cancel</button>
          <button type="submit" className="button-primary" disabled={busy || !long} aria-busy={busy}>{busy ? 'Working…' : 'Attest'}</button>
        </FormActions>
      </form>
    </Dialog>
  );
}

/** A second admin turns the request down (not the person, not now): it can no longer be used. Never protected. */
export function DenyDialog({ v, person, onClose, onDone }: { v: Verification; person: string; onClose: () => void; onDone: (v: Verification) => void }) {
  const [note, setNote] = useState('');
  const { busy, error, run } = useRunner();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => onDone(await adminCall<Verification>('POST', `${pathOf(v)}/deny`, note.trim() ? { note: note.trim() } : {})));
  };
  return (
    <Dialog title={`Deny the verification of ${person}`} onClose={() => { if (!busy) onClose(); }}>
      <form className="form" onSubmit={submit}>
        <RequestFacts v={v} person={person} />
        <p>{v.requestedBy.name} cannot reset their {ACTION_WORDS[v.action].object} with it, and must ask again.</p>
        <TextAreaField label="Note (optional)" value={note} onValue={setNote} maxLength={2000} rows={2} hint="Why, for the System Log and for the admin who asked." />
        <ErrorBanner message={error} />
        <FormActions>
          <button type="button" className="button-secondary" onClick={onClose} disabled={busy}>Cancel</button>
          <button type="submit" className="button-danger" disabled={busy} aria-busy={busy}>{busy ? 'Working…' : 'Deny'}</button>
        </FormActions>
      </form>
    </Dialog>
  );
}

/** Withdraws the signed-in admin's own request (the server's deny, by the one who asked). */
export function withdraw(v: Verification): Promise<Verification> {
  return adminCall<Verification>('POST', `${pathOf(v)}/deny`, {});
}
