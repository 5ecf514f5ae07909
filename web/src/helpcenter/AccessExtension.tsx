import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { call } from './client.ts';
import type { AccessExtension } from '../support-access.ts';
import { ProblemAlert } from './ProblemAlert.tsx';
import { ACCESS_DURATIONS, minutesWords, type AccessGrant } from './types.ts';

const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');

/** The latest request for more time on a grant, as its staff member reads it. */
export function extensionWords(x: AccessExtension): string {
  const decided = x.decision;
  switch (x.status) {
    case 'PENDING': return `${minutesWords(x.durationMinutes)} more asked ${when(x.requested)}; waiting for the organization’s admins, who decide before the grant ends.`;
    case 'APPROVED': return `${minutesWords(x.durationMinutes)} more approved by ${decided?.by.name ?? 'an admin'}, ${when(decided?.at)}${decided?.note ? `: “${decided.note}”` : ''}.`;
    case 'DENIED': return `More time denied by ${decided?.by.name ?? 'an admin'}, ${when(decided?.at)}${decided?.note ? `: “${decided.note}”` : ''}.`;
    case 'EXPIRED': return 'The request for more time lapsed: the grant ended before the admins decided.';
    case 'REVOKED': return 'The request for more time ended with the grant.';
  }
}

/**
 * "Ask for more time" on a running grant: how much and why. The organization's admins decide again; until they
 * do, the grant keeps its end. The server's refusal is shown as it wrote it.
 */
export function AskForMoreTime({ grant, organization, onAsked }: { grant: AccessGrant; organization: string; onAsked: (g: AccessGrant, words: string) => void }) {
  const [open, setOpen] = useState(false);
  const [minutes, setMinutes] = useState<number>(ACCESS_DURATIONS[0].minutes);
  const [justification, setJustification] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>();
  const heading = useId();
  const hint = useId();
  const first = useRef<HTMLSelectElement>(null);
  const opener = useRef<HTMLButtonElement>(null);

  useEffect(() => { if (open) first.current?.focus(); }, [open]);

  function close() {
    setOpen(false);
    setProblem(undefined);
    // The button that opened the form is back: focus returns to it.
    requestAnimationFrame(() => opener.current?.focus());
  }
  const escape = (event: KeyboardEvent) => { if (event.key === 'Escape' && !busy) close(); };

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      const asked = await call<AccessGrant>('POST', `/help/v1/staff/access-grants/${encodeURIComponent(grant.id)}/extensions`, { durationMinutes: minutes, justification });
      setOpen(false);
      setJustification('');
      onAsked(asked, `Asked for ${minutesWords(minutes)} more. ${organization}’s admins decide before the grant ends, ${when(asked.expiresAt)}.`);
    } catch (e) {
      setProblem(e);
    } finally {
      setBusy(false);
    }
  }

  if (!open) return <button type="button" className="secondary narrow" ref={opener} onClick={() => setOpen(true)}>Ask for more time</button>;
  return (
    <form className="more-time" aria-labelledby={heading} onSubmit={(e) => void submit(e)} onKeyDown={escape}>
      <h4 id={heading}>Ask for more time</h4>
      <label>
        How much more
        <select ref={first} value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
          {ACCESS_DURATIONS.map((d) => <option key={d.minutes} value={d.minutes}>{d.words}</option>)}
        </select>
      </label>
      <label>
        Why you need it
        <textarea value={justification} onChange={(e) => setJustification(e.target.value)} required minLength={10} maxLength={2000} rows={3} aria-describedby={hint} />
      </label>
      <p id={hint} className="hint">At least 10 characters. The admins add the time to the grant’s end if they approve, and may give less; undecided when the grant ends, the request lapses.</p>
      {problem !== undefined && <ProblemAlert error={problem} />}
      <div className="actions">
        <button type="submit" disabled={busy}>{busy ? 'Asking…' : 'Ask for more time'}</button>
        <button type="button" className="secondary narrow" disabled={busy} onClick={close}>Cancel</button>
      </div>
    </form>
  );
}
