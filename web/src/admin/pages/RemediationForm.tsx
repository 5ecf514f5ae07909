import { useState, type FormEvent } from 'react';
import { adminCall } from '../client.ts';
import { messageOf } from '../errors.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { CheckboxField, CheckboxGroup, FormActions, TextAreaField, TextField } from '../ui/Fields.tsx';
import { Section } from '../ui/Page.tsx';
import { ACTION_LABELS, ACTIONS, type Plan } from './remediation.tsx';

const DAY = 86_400_000;

/** A time as a datetime-local field shows it: the admin's own clock, to the minute. */
function localInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Addresses, blocks, numbers or ids typed one per line or separated by commas or spaces. */
const listOf = (text: string) => text.split(/[\s,]+/).filter((s) => s !== '');

/**
 * The criteria of a new plan and what to do to the users they select. Sending it runs the dry run on the
 * server, which keeps the plan: nothing is done to anyone until a second super admin approves it and it is
 * applied.
 */
export function RemediationForm({ onCancel, onPlanned }: { onCancel: () => void; onPlanned: (plan: Plan) => void }) {
  const [name, setName] = useState('');
  const [since, setSince] = useState(() => localInput(Date.now() - 7 * DAY));
  const [until, setUntil] = useState('');
  const [passwordOrFactorChange, setPasswordOrFactorChange] = useState(true);
  const [actorIds, setActorIds] = useState('');
  const [ips, setIps] = useState('');
  const [cidrs, setCidrs] = useState('');
  const [asns, setAsns] = useState('');
  const [actions, setActions] = useState<string[]>(['FORCE_PASSWORD_RESET']);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const network = { ips: listOf(ips), cidrs: listOf(cidrs), asns: listOf(asns).map(Number) };
    const body = {
      name,
      criteria: {
        window: { since: new Date(since).toISOString(), ...(until ? { until: new Date(until).toISOString() } : {}) },
        ...(passwordOrFactorChange ? { passwordOrFactorChange: true } : {}),
        ...(listOf(actorIds).length > 0 ? { targetedBy: { actorIds: listOf(actorIds) } } : {}),
        ...(network.ips.length + network.cidrs.length + network.asns.length > 0 ? { signedInFrom: network } : {}),
      },
      actions: ACTIONS.filter((a) => actions.includes(a)),
    };
    try {
      onPlanned(await adminCall<Plan>('POST', '/api/v1/remediations', body));
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };

  return (
    <Section title="Plan a remediation" description="A dry run: it lists who would be remediated and why, from this organization's System Log, and changes nothing.">
      <form onSubmit={(e) => void submit(e)} className="remediation-form">
        <TextField label="Name" value={name} onValue={setName} required maxLength={100} hint="What the plan is for, such as the incident it answers." />
        <div className="remediation-window">
          <TextField label="Window start" type="datetime-local" value={since} onValue={setSince} required hint="Your time." />
          <TextField label="Window end" type="datetime-local" value={until} onValue={setUntil} hint="Leave empty for now. At most 90 days after the start." />
        </div>
        <fieldset className="checkbox-group">
          <legend>Select users who, in the window…</legend>
          <CheckboxField label="Had a password reset or changed, or a factor changed" checked={passwordOrFactorChange} onChecked={setPasswordOrFactorChange} />
          <TextAreaField label="Were acted on by these actors (suspects)" value={actorIds} onValue={setActorIds} rows={2} hint="Actor ids from the System Log, such as a user id (00u…); one per line." />
          <TextAreaField label="Signed in from these addresses" value={ips} onValue={setIps} rows={2} hint="IPv4 or IPv6 addresses, one per line." />
          <TextAreaField label="…or these CIDR blocks" value={cidrs} onValue={setCidrs} rows={2} hint="Such as 203.0.113.0/24." />
          <TextAreaField label="…or these networks (AS numbers)" value={asns} onValue={setAsns} rows={1} hint="Such as 13335." />
        </fieldset>
        <CheckboxGroup legend="Then do this to each of them" options={ACTIONS.map((a) => ({ value: a, label: ACTION_LABELS[a] ?? a }))} selected={actions} onSelected={setActions} />
        <ErrorBanner message={error} />
        <FormActions>
          <button type="button" className="button-secondary" onClick={onCancel} disabled={busy}>Cancel</button>
          <button type="submit" className="button-primary" disabled={busy} aria-busy={busy}>{busy ? 'Reading the System Log…' : 'Run the dry run'}</button>
        </FormActions>
      </form>
    </Section>
  );
}
