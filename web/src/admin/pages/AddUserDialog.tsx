import { useState, type FormEvent } from 'react';
import { adminCall } from '../client.ts';
import { messageOf } from '../errors.ts';
import { userName } from '../format.ts';
import { Link } from '../navigation.tsx';
import type { User } from '../types.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { CheckboxField, FormActions, TextField } from '../ui/Fields.tsx';
import { OneTimeValue } from '../ui/OneTimeValue.tsx';

type Created = { user: User; activationUrl: string | null };

/**
 * Adds a person. They are created staged and, when asked, activated in a second call: Okta answers only the
 * activation call with the link (an invited user enrolls a passkey through it), so it can be shown here.
 */
export function AddUserDialog({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [email, setEmail] = useState('');
  const [login, setLogin] = useState('');
  const [activate, setActivate] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<Created | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const profile = { firstName: firstName.trim(), lastName: lastName.trim(), email: email.trim(), login: login.trim() || email.trim() };
      const user = await adminCall<User>('POST', '/api/v1/users?activate=false', { profile });
      onCreated();
      let activationUrl: string | null = null;
      if (activate) {
        try {
          const answer = await adminCall<{ activationUrl?: string }>('POST', `/api/v1/users/${user.id}/lifecycle/activate?sendEmail=false`);
          activationUrl = answer.activationUrl ?? null;
        } catch (err) {
          setError(`The user was added but not activated: ${messageOf(err) ?? 'the session ended'}`);
        }
      }
      setCreated({ user, activationUrl });
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    return (
      <Dialog title="User added" onClose={onClose}>
        <ErrorBanner message={error} />
        <p><Link to={`/admin/users/${created.user.id}`} onClick={onClose}>{userName(created.user.profile)}</Link> ({created.user.profile.login}) was added{created.activationUrl ? ' and activated' : ''}.</p>
        {created.activationUrl && (
          <OneTimeValue
            label="Activation link"
            value={created.activationUrl}
            warning="Send this link to the person yourself: it lets them set up their passkey, works once, and is not shown again."
          />
        )}
        <FormActions><button type="button" className="button-primary" onClick={onClose}>Done</button></FormActions>
      </Dialog>
    );
  }
  return (
    <Dialog title="Add user" onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} className="form">
        <div className="form-row">
          <TextField label="First name" value={firstName} onValue={setFirstName} required maxLength={50} autoComplete="off" />
          <TextField label="Last name" value={lastName} onValue={setLastName} required maxLength={50} autoComplete="off" />
        </div>
        <TextField label="Email" type="email" value={email} onValue={setEmail} required minLength={5} maxLength={100} autoComplete="off" />
        <TextField label="Username" value={login} onValue={setLogin} placeholder={email || 'The email address'} hint="Leave empty to use the email address." minLength={5} maxLength={100} pattern="\S+" autoComplete="off" />
        <CheckboxField label="Activate now" checked={activate} onChecked={setActivate} hint="Gives you a one-time link with which they set up a passkey. Otherwise they stay staged until activated." />
        <ErrorBanner message={error} />
        <FormActions>
          <button type="button" className="button-secondary" onClick={onClose} disabled={busy}>Cancel</button>
          <button type="submit" className="button-primary" disabled={busy}>{busy ? 'Adding…' : 'Add user'}</button>
        </FormActions>
      </form>
    </Dialog>
  );
}
