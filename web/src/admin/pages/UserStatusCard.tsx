import { useState } from 'react';
import { adminCall } from '../client.ts';
import { formatDate, userName } from '../format.ts';
import { navigate } from '../navigation.tsx';
import type { User, VerifiedAction } from '../types.ts';
import { ErrorBanner, Notice } from '../ui/Banner.tsx';
import { ConfirmButton } from '../ui/ConfirmButton.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { CheckboxField, FormActions } from '../ui/Fields.tsx';
import { OneTimeValue } from '../ui/OneTimeValue.tsx';
import { Facts, Section, StatusBadge } from '../ui/Page.tsx';
import { useRunner } from '../ui/useRunner.ts';
import { resetOrOffer } from './verification.ts';

type Reveal = { title: string; label: string; value: string; warning: string };

/**
 * The user's status, the lifecycle operations the server offers in it (the user's `_links`, as Okta gives
 * them), their password, their sessions, and deleting a deactivated user. Whatever takes access away is
 * confirmed first. A password reset the server refuses until the person is verified (a help-desk admin's, of a
 * user who holds an admin role) offers that verification instead (`onNeedsVerification`).
 */
export function UserStatusCard({ user, onChanged, onNeedsVerification }: { user: User; onChanged: () => void; onNeedsVerification?: (action: VerifiedAction) => void }) {
  const { busy, error, run } = useRunner();
  const [notice, setNotice] = useState<string | null>(null);
  const [reveal, setReveal] = useState<Reveal | null>(null);
  const [tempPassword, setTempPassword] = useState(false);
  const name = userName(user.profile);
  const base = `/api/v1/users/${user.id}`;
  const can = (op: string) => op in user._links;

  /** Runs an operation, says what happened, and reads the user again; `verified`: a reset that may need the person verified first. */
  const act = (path: string, done: string, show?: (answer: Record<string, unknown>) => Reveal | null, verified?: VerifiedAction) => async () => {
    setNotice(null);
    let answer: Record<string, unknown> | undefined;
    const call = async () => { answer = await adminCall<Record<string, unknown>>('POST', `${base}/${path}`); };
    if (!(await resetOrOffer(call, verified, onNeedsVerification))) return;
    const shown = show?.(answer ?? {}) ?? null;
    // After the confirmation dialog has closed, so this one opens from (and returns focus to) the page.
    if (shown) window.setTimeout(() => setReveal(shown), 0);
    setNotice(done);
    onChanged();
  };
  const quick = (path: string, done: string, show?: (answer: Record<string, unknown>) => Reveal | null) => () => void run(act(path, done, show));

  const activationLink = (a: Record<string, unknown>): Reveal | null => typeof a['activationUrl'] === 'string'
    ? { title: 'Activation link', label: 'Activation link', value: a['activationUrl'], warning: `Send this link to ${name} yourself: it lets them set up a passkey, works once, and is not shown again.` }
    : null;

  return (
    <Section title="Status and access">
      <Facts items={[
        ['Status', <StatusBadge key="status" status={user.status} />],
        ['Created', formatDate(user.created)],
        ['Activated', formatDate(user.activated, 'Not yet')],
        ['Status changed', formatDate(user.statusChanged)],
        ['Last sign-in', formatDate(user.lastLogin, 'Never')],
        ['Password', user.credentials.password ? `Set ${formatDate(user.passwordChanged, '')}`.trim() : 'None (passkey only, or not set up yet)'],
        ['User ID', <code key="id">{user.id}</code>],
      ]} />
      {notice && <Notice>{notice}</Notice>}
      <ErrorBanner message={error} />
      <div className="button-row">
        {can('activate') && <button type="button" className="button-primary" disabled={busy} onClick={quick('lifecycle/activate?sendEmail=false', `${name} was activated.`, activationLink)}>Activate</button>}
        {can('reactivate') && <button type="button" className="button-secondary" disabled={busy} onClick={quick('lifecycle/reactivate?sendEmail=false', `${name} was reactivated.`, activationLink)}>Reactivate</button>}
        {can('unsuspend') && <button type="button" className="button-primary" disabled={busy} onClick={quick('lifecycle/unsuspend', `${name} was unsuspended.`)}>Unsuspend</button>}
        {can('unlock') && <button type="button" className="button-primary" disabled={busy} onClick={quick('lifecycle/unlock', `${name} was unlocked.`)}>Unlock</button>}
        {can('resetPassword') && (
          <ConfirmButton label="Reset password" title={`Reset ${name}'s password?`} confirmLabel="Reset password"
            onConfirm={act('lifecycle/reset_password?sendEmail=false', `${name}'s password was reset.`, (a) => typeof a['resetPasswordUrl'] === 'string'
              ? { title: 'Password reset link', label: 'Reset link', value: a['resetPasswordUrl'], warning: `Send this link to ${name} yourself: it lets them choose a new password, works once, and is not shown again.` }
              : null, 'RESET_PASSWORD')}>
            <p>Their current password stops working at once and they are signed out everywhere. You get a one-time link with which they choose a new one.</p>
          </ConfirmButton>
        )}
        {can('expirePassword') && (
          <ConfirmButton label="Expire password" title={`Expire ${name}'s password?`} confirmLabel="Expire password"
            onConfirm={act(`lifecycle/expire_password${tempPassword ? '?tempPassword=true' : ''}`, `${name}'s password was expired.`, (a) => typeof a['tempPassword'] === 'string'
              ? { title: 'Temporary password', label: 'Temporary password', value: a['tempPassword'], warning: `Give this password to ${name} yourself: they must change it when they next sign in. It is not shown again.` }
              : null, tempPassword ? 'RESET_PASSWORD' : undefined)}>
            <p>They must choose a new password the next time they sign in.</p>
            <CheckboxField label="Replace it with a temporary password" checked={tempPassword} onChecked={setTempPassword} hint="Their current password stops working; you are shown the temporary one once." />
          </ConfirmButton>
        )}
        {can('suspend') && (
          <ConfirmButton label="Suspend" title={`Suspend ${name}?`} confirmLabel="Suspend" onConfirm={act('lifecycle/suspend', `${name} was suspended.`)}>
            <p>They cannot sign in until unsuspended, and are signed out everywhere. Their groups, roles and factors stay.</p>
          </ConfirmButton>
        )}
        {user.status !== 'DEPROVISIONED' && (
          <ConfirmButton label="Clear sessions" title={`Sign ${name} out everywhere?`} confirmLabel="Clear sessions"
            onConfirm={async () => {
              setNotice(null);
              await adminCall('DELETE', `${base}/sessions`);
              setNotice(`${name}'s sessions were ended.`);
            }}>
            <p>Every session they have ends now, on every device. They can sign in again.</p>
          </ConfirmButton>
        )}
        {can('deactivate') && (
          <ConfirmButton label="Deactivate" title={`Deactivate ${name}?`} confirmLabel="Deactivate" onConfirm={act('lifecycle/deactivate', `${name} was deactivated.`)}>
            <p>They can no longer sign in: their sessions end and their API tokens are revoked. A deactivated user can be activated again, or deleted.</p>
          </ConfirmButton>
        )}
        {user.status === 'DEPROVISIONED' && (
          <ConfirmButton label="Delete" title={`Delete ${name} for good?`} confirmLabel="Delete user"
            onConfirm={async () => {
              await adminCall('DELETE', base);
              navigate('/admin/users');
            }}>
            <p>The user, their group memberships, roles and factors are removed. This cannot be undone; their System Log events stay.</p>
          </ConfirmButton>
        )}
      </div>
      {reveal && (
        <Dialog title={reveal.title} onClose={() => setReveal(null)}>
          <OneTimeValue label={reveal.label} value={reveal.value} warning={reveal.warning} />
          <FormActions><button type="button" className="button-primary" onClick={() => setReveal(null)}>Done</button></FormActions>
        </Dialog>
      )}
    </Section>
  );
}
