import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { adminCall } from '../client.ts';
import { formatDate, userName } from '../format.ts';
import type { Factor, User, Verification, VerificationMethod, VerifiedAction } from '../types.ts';
import { ErrorBanner, Notice } from '../ui/Banner.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { FormActions } from '../ui/Fields.tsx';
import { OneTimeValue } from '../ui/OneTimeValue.tsx';
import { useLoad } from '../ui/useLoad.ts';
import { useRunner } from '../ui/useRunner.ts';
import { ACTION_WORDS } from './verification.ts';

type Choice<V extends string> = { value: V; label: string; hint: ReactNode; disabled?: boolean };

/** One question answered by one of a few choices, each explained beside it. */
function Choices<V extends string>({ legend, choices, value, onValue }: { legend: string; choices: readonly Choice<V>[]; value: V | null; onValue: (v: V) => void }) {
  const name = useId();
  return (
    <fieldset className="choice-group">
      <legend>{legend}</legend>
      {choices.map((c) => (
        <div key={c.value} className="choice">
          <label>
            <input type="radio" name={name} value={c.value} checked={value === c.value} disabled={c.disabled} required onChange={() => onValue(c.value)} aria-describedby={`${name}-${c.value}`} />
            <span>{c.label}</span>
          </label>
          <span id={`${name}-${c.value}`} className="hint">{c.hint}</span>
        </div>
      ))}
    </fieldset>
  );
}

/**
 * "Verify the person first": before a help-desk reset of a user who holds an admin role, the admin asks for a
 * verification of the person, for one action, by one of two methods the dialog explains. The passkey method
 * answers a one-time link, shown here once with what to tell the person; an attestation waits for a second
 * admin. `refused`: the reset the server just refused for want of it, which the dialog names and preselects.
 */
export function VerifyPersonDialog({ user, refused, viewerName, onClose, onAsked }: {
  user: User;
  refused: VerifiedAction | null;
  viewerName: string;
  onClose: () => void;
  onAsked: (v: Verification) => void;
}) {
  const name = userName(user.profile);
  const [action, setAction] = useState<VerifiedAction | null>(refused);
  const [method, setMethod] = useState<VerificationMethod | null>(null);
  const [link, setLink] = useState<Verification | null>(null);
  const { busy, error, run } = useRunner();
  const introId = useId();
  const factors = useLoad<Factor[]>(`/api/v1/users/${encodeURIComponent(user.id)}/factors`);
  const hasPasskey = (factors.data ?? []).some((f) => f.factorType === 'webauthn' && f.status === 'ACTIVE');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!action || !method) return;
    void run(async () => {
      const asked = await adminCall<Verification>('POST', `/api/v1/users/${encodeURIComponent(user.id)}/verifications`, { action, method });
      onAsked(asked);
      if (asked.verificationUrl) setLink(asked);
      else onClose();
    });
  };

  if (link?.verificationUrl) {
    return (
      <Dialog title="Give them this link" onClose={onClose}>
        <Notice>Verification asked for. Nothing is reset until {name} confirms with their passkey.</Notice>
        <OneTimeValue label="Verification link" value={link.verificationUrl}
          warning={`Give this link to ${name} yourself, while you are in touch with them (on the call, in your chat). It is shown only this once and works until ${formatDate(link.verifyBy)}.`} />
        <h3>What to tell them</h3>
        <ol className="steps">
          <li>Open the link on a device that has your passkey for <strong>{user.profile.login}</strong>.</li>
          <li>Check that the page names your account and {viewerName} from the help desk, then choose <em>Confirm with your passkey</em>.</li>
          <li>Tell me when the page says you are verified. If you did not ask for this, do not go on.</li>
        </ol>
        <p className="hint">This page shows when they are verified. You then have 15 minutes to reset their {ACTION_WORDS[link.action].object}, once.</p>
        <FormActions><button type="button" className="button-primary" onClick={onClose}>Done</button></FormActions>
      </Dialog>
    );
  }

  return (
    <Dialog title="Verify the person first" onClose={() => { if (!busy) onClose(); }} describedBy={introId}>
      <form className="form" onSubmit={submit}>
        <div id={introId}>
          {refused && <p className="banner banner-warning">Resetting {name}'s {ACTION_WORDS[refused].object} was refused: they hold an admin role, so the person must be verified first.</p>}
          <p>Attackers call help desks pretending to be an admin. Before you reset an admin's password or factors, make sure the person you are helping really is <strong>{name}</strong>.</p>
        </div>
        <Choices<VerifiedAction> legend="What will you do once they are verified?" value={action} onValue={setAction} choices={[
          { value: 'RESET_PASSWORD', label: 'Reset their password', hint: 'You get a one-time link with which they choose a new one.' },
          { value: 'RESET_FACTORS', label: 'Reset their factors', hint: 'Their passkeys and authenticator apps are removed; they enroll again.' },
        ]} />
        <Choices<VerificationMethod> legend="How will the person be verified?" value={method} onValue={setMethod} choices={[
          {
            value: 'TARGET_PASSKEY', label: 'With their own passkey', disabled: !hasPasskey,
            hint: hasPasskey
              ? 'You get a one-time link to give them while you are in touch. They open it and confirm with a passkey they already have. Quickest, if they still have a device with it.'
              : factors.loading ? 'Checking whether they have a passkey…' : 'Not possible: they have no passkey.',
          },
          {
            value: 'ADMIN_ATTESTATION', label: 'By a second admin',
            hint: 'Another admin who verifies the person themselves, on a video call or in person, attests it in the admin console: a super admin if they are a super admin. They find it under Alerts.',
          },
        ]} />
        <p className="hint">The request waits 30 minutes. Once verified, you have 15 minutes for one reset. Every step is in the System Log.</p>
        <ErrorBanner message={error} />
        <FormActions>
          <button type="button" className="button-secondary" onClick={onClose} disabled={busy}>Cancel</button>
          <button type="submit" className="button-primary" disabled={busy || !action || !method} aria-busy={busy}>{busy ? 'Asking…' : 'Ask for verification'}</button>
        </FormActions>
      </form>
    </Dialog>
  );
}
