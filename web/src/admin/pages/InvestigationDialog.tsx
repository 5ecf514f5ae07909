import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../../api.ts';
import { adminCall } from '../client.ts';
import { messageOf } from '../errors.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { FormActions, TextAreaField, TextField } from '../ui/Fields.tsx';
import { fromLocalInput, toLocalInput } from './log-query.ts';
import { SUSPECT_WORDS, type Investigation, type Suspects } from './investigation.ts';

const DAY = 86_400_000;
const MINUTE = 60_000;

/** Addresses, ids or numbers typed one per line or separated by commas or spaces. */
const words = (text: string) => text.split(/[\s,]+/).filter((s) => s !== '');
/** User agents hold spaces: one per line. */
const lines = (text: string) => text.split('\n').map((s) => s.trim()).filter((s) => s !== '');

type Draft = { name: string; since: string; until: string; actorIds: string; logins: string; ips: string; cidrs: string; asns: string; userAgents: string; grantId: string };

/** The last five days, to the next whole minute, so that what happened a moment ago is inside. */
function freshDraft(): Draft {
  const until = Math.ceil((Date.now() + 1) / MINUTE) * MINUTE;
  return { name: '', since: toLocalInput(new Date(until - 5 * DAY).toISOString()), until: toLocalInput(new Date(until).toISOString()), actorIds: '', logins: '', ips: '', cidrs: '', asns: '', userAgents: '', grantId: '' };
}

const SUSPECT_FIELDS: readonly string[] = Object.keys(SUSPECT_WORDS);

/** What the form asks the server to save; empty lists are left out, and the server says if nothing is left. */
function bodyOf(d: Draft): { name: string; window: { since: string; until: string }; suspects: Suspects } {
  const grantId = d.grantId.trim();
  const candidates: Suspects = {
    actorIds: words(d.actorIds), logins: words(d.logins), ips: words(d.ips), cidrs: words(d.cidrs),
    // Not a number is sent as it is (null in JSON), so the server names the field that is wrong.
    asns: words(d.asns).map((a) => Number(a.replace(/^AS/i, ''))),
    userAgents: lines(d.userAgents),
    ...(grantId === '' ? {} : { grantId }),
  };
  const suspects = Object.fromEntries(Object.entries(candidates).filter(([, v]) => !Array.isArray(v) || v.length > 0)) as Suspects;
  return { name: d.name.trim(), window: { since: fromLocalInput(d.since), until: fromLocalInput(d.until) }, suspects };
}

/**
 * Which field a cause of the server's answer is about (`suspects.ips.0: must be …`, `window: since must be …`),
 * so it is shown beside that field; the form's whole problem is also announced once above its buttons.
 */
function fieldOfCause(cause: string): keyof Draft | 'window' | 'suspects' | null {
  const path = /^([\w.]+):/.exec(cause)?.[1] ?? '';
  const [root, key] = path.split('.');
  if (root === 'name') return 'name';
  if (root === 'window') return key === 'since' || key === 'until' ? key : 'window';
  if (root === 'suspects') return key !== undefined && SUSPECT_FIELDS.includes(key) ? key as keyof Draft : 'suspects';
  return null;
}

const plain = (cause: string) => cause.replace(/^[\w.]+:\s*/, '');

const LABELS: Record<string, string> = {
  name: 'Name', window: 'Window', since: 'Since', until: 'Until', suspects: 'Suspects', actorIds: 'Actor ids', logins: 'Login patterns', ips: 'IP addresses',
  cidrs: 'CIDR blocks', asns: 'AS numbers', userAgents: 'User agents', grantId: 'Support grant id',
};

/** A cause as the form says it: the field's label, then what is wrong. */
const worded = (cause: string) => {
  const field = fieldOfCause(cause);
  return field === null ? cause : `${LABELS[field] ?? field}: ${plain(cause)}`;
};

/**
 * A new investigation: its name, the window (the last five days unless changed) and what the admin knows of the
 * suspects; each indicator widens the net (an event is the suspects' if it matches any one). The server checks
 * it, and what it refuses is shown beside the field it is about.
 */
export function InvestigationDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (created: Investigation) => void }) {
  const [draft, setDraft] = useState(freshDraft);
  const [busy, setBusy] = useState(false);
  const [causes, setCauses] = useState<string[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const edit = (key: keyof Draft) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));
  const errorOf = (field: string) => causes.filter((c) => fieldOfCause(c) === field).map(plain).join('; ') || null;
  const withError = (field: string, hint: ReactNode) => {
    const error = errorOf(field);
    return error ? <><strong className="field-error">{error}.</strong> {hint}</> : hint;
  };
  const invalid = (field: string) => errorOf(field) !== null || undefined;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setCauses([]);
    setFailure(null);
    try {
      onCreated(await adminCall<Investigation>('POST', '/api/v1/investigations', bodyOf(draft)));
    } catch (err) {
      if (err instanceof ApiError) setCauses(err.causes.length > 0 ? [...err.causes] : [err.summary]);
      setFailure(err instanceof ApiError ? `The investigation was not saved. ${err.causes.length > 0 ? err.causes.map(worded).join('; ') : err.summary}` : messageOf(err));
      setBusy(false);
    }
  };

  const windowError = errorOf('window');
  const suspectsError = errorOf('suspects');
  return (
    <Dialog title="New investigation" onClose={onClose} variant="wide">
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <TextField label="Name" value={draft.name} onValue={edit('name')} required maxLength={200} aria-invalid={invalid('name')}
          hint={withError('name', 'What happened, such as “Support account takeover, January”.')} />
        <fieldset>
          <legend>Window</legend>
          {windowError && <p className="field-error">{windowError}.</p>}
          <div className="form-row">
            <TextField label="Since" type="datetime-local" value={draft.since} onValue={edit('since')} required aria-invalid={invalid('since') ?? (windowError !== null || undefined)} hint={withError('since', 'Your time zone.')} />
            <TextField label="Until" type="datetime-local" value={draft.until} onValue={edit('until')} required aria-invalid={invalid('until') ?? (windowError !== null || undefined)} hint={withError('until', 'At most 366 days after since.')} />
          </div>
        </fieldset>
        <fieldset>
          <legend>Suspects</legend>
          <p className="hint">An event is the suspects’ when it matches any one of these. Separate several by commas, spaces or new lines.</p>
          {suspectsError && <p className="field-error">{suspectsError}.</p>}
          <div className="form-columns">
            <TextAreaField label="Actor ids" rows={2} value={draft.actorIds} onValue={edit('actorIds')} spellCheck={false} aria-invalid={invalid('actorIds')}
              hint={withError('actorIds', 'The System Log’s actor.id, such as a user id (00u…).')} />
            <TextAreaField label="Login patterns" rows={2} value={draft.logins} onValue={edit('logins')} spellCheck={false} aria-invalid={invalid('logins')}
              hint={withError('logins', <>The actor’s login; <code>*</code> stands for any text, such as <code>*@contractor.example</code>.</>)} />
            <TextAreaField label="IP addresses" rows={2} value={draft.ips} onValue={edit('ips')} spellCheck={false} aria-invalid={invalid('ips')}
              hint={withError('ips', 'IPv4 or IPv6.')} />
            <TextAreaField label="CIDR blocks" rows={2} value={draft.cidrs} onValue={edit('cidrs')} spellCheck={false} aria-invalid={invalid('cidrs')}
              hint={withError('cidrs', 'Such as 203.0.113.0/24.')} />
            <TextAreaField label="AS numbers" rows={1} value={draft.asns} onValue={edit('asns')} spellCheck={false} aria-invalid={invalid('asns')}
              hint={withError('asns', 'Networks, such as 9009.')} />
            <TextAreaField label="User agents" rows={2} value={draft.userAgents} onValue={edit('userAgents')} spellCheck={false} aria-invalid={invalid('userAgents')}
              hint={withError('userAgents', 'One per line; any part of the user agent, in any case.')} />
            <TextField label="Support grant id" value={draft.grantId} onValue={edit('grantId')} spellCheck={false} aria-invalid={invalid('grantId')}
              hint={withError('grantId', 'Everything done under a support access grant (sag…).')} />
          </div>
        </fieldset>
        <ErrorBanner message={failure} />
        <FormActions>
          <button type="button" className="button-secondary" onClick={onClose} disabled={busy}>Cancel</button>
          <button type="submit" className="button-primary" disabled={busy} aria-busy={busy}>{busy ? 'Saving…' : 'Save investigation'}</button>
        </FormActions>
      </form>
    </Dialog>
  );
}
