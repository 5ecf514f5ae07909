import { startRegistration } from '@simplewebauthn/browser';
import { useState, type ReactNode } from 'react';
import { call } from '../api.ts';
import { ErrorBanner, Notice } from '../admin/ui/Banner.tsx';
import { DataTable, type Column } from '../admin/ui/DataTable.tsx';
import { Dialog } from '../admin/ui/Dialog.tsx';
import { EmptyState } from '../admin/ui/EmptyState.tsx';
import { AuthenticatorAppDialog } from './AuthenticatorAppDialog.tsx';
import { RecoveryCodesDialog } from './RecoveryCodesDialog.tsx';
import { date, factorName, RECOVERY_CODE, TOTP, WEBAUTHN } from './format.ts';
import { FailureBanner, failureOf, type Failure } from './failure.tsx';
import { FACTORS, type Factor } from './factors.ts';
import { useMine } from './useMine.ts';

/** The user's security methods: the list, adding a passkey, an authenticator app or recovery codes, and removing one. */
export function SecuritySection() {
  const factors = useMine<Factor[]>(FACTORS);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dialog, setDialog] = useState<'totp' | 'codes' | null>(null);
  const [removing, setRemoving] = useState<Factor | null>(null);

  const list = factors.data ?? [];
  const active = (type: string) => list.some((f) => f.factorType === type && f.status === 'ACTIVE');

  // The list is read again before the notice, so that what the notice announces is already on screen.
  const done = async (message: string) => {
    await factors.reload();
    setNotice(message);
  };

  const addPasskey = async () => {
    setBusy(true);
    setFailure(null);
    setNotice(null);
    let pending: Factor | undefined;
    try {
      pending = await call<Factor>('POST', FACTORS, { factorType: WEBAUTHN, provider: 'FIDO' });
      const credential = await startRegistration({ optionsJSON: pending._embedded?.activation as unknown as Parameters<typeof startRegistration>[0]['optionsJSON'] });
      await call('POST', `${FACTORS}/${pending.id}/lifecycle/activate`, { credential });
      await done('Your passkey was added. You can sign in with it from now on.');
    } catch (err) {
      // A cancelled prompt leaves the enrollment pending: it is of no use, so it goes.
      if (pending) await call('DELETE', `${FACTORS}/${pending.id}`).catch(() => undefined);
      const failure = await failureOf(err);
      setFailure(failure);
      // A session the refusal ended stays on this page, its reason shown, until the user chooses to sign in again.
      if (!failure.signedOut) await factors.reload();
    } finally {
      setBusy(false);
    }
  };

  const columns: Column<Factor>[] = [
    {
      header: 'Method',
      cell: (f) => {
        const name = factorName(f.factorType, f.provider);
        return <><div className="cell-main">{name.kind}</div><div className="cell-sub">{name.detail}</div></>;
      },
    },
    { header: 'Added', cell: (f) => <span title={f.created}>{date(f.created)}</span> },
    {
      header: 'Status',
      cell: (f) => (
        <>
          <span className={`badge badge-${f.status.toLowerCase().replace(/_/g, '-')}`}>{f.status === 'ACTIVE' ? 'Active' : 'Setup not finished'}</span>
          {f.factorType === RECOVERY_CODE && <div className="cell-sub">{f.profile.remaining ?? 0} codes left</div>}
        </>
      ),
    },
    {
      header: 'Actions',
      className: 'actions-cell',
      cell: (f) => (
        <button type="button" className="button-danger-quiet button-small" onClick={() => setRemoving(f)}>
          Remove<span className="visually-hidden"> {factorName(f.factorType, f.provider).kind.toLowerCase()} added {date(f.created)}</span>
        </button>
      ),
    },
  ];

  return (
    <>
      <FailureBanner failure={failure} onDismiss={() => setFailure(null)} />
      {notice && <Notice>{notice}</Notice>}
      <section className="panel" aria-labelledby="methods-title">
        <div className="section-head">
          <h2 id="methods-title">Your methods</h2>
          <div className="button-row">
            <button type="button" className="button-primary" disabled={busy} aria-busy={busy} onClick={() => void addPasskey()}>{busy ? 'Waiting for your device…' : 'Add a passkey'}</button>
            <button
              type="button"
              className="button-secondary"
              disabled={busy || active(TOTP)}
              aria-describedby={active(TOTP) ? 'totp-set' : undefined}
              onClick={() => setDialog('totp')}
            >
              Add an authenticator app
            </button>
            <button type="button" className="button-secondary" disabled={busy} onClick={() => setDialog('codes')}>{active(RECOVERY_CODE) ? 'Replace recovery codes' : 'Get recovery codes'}</button>
          </div>
        </div>
        {active(TOTP) && <p id="totp-set" className="hint">You have an authenticator app set up. To move to another app, add it after removing this one.</p>}
        <ErrorBanner message={factors.error} />
        <DataTable
          caption="Your security methods"
          columns={columns}
          rows={list}
          rowKey={(f) => f.id}
          loading={factors.loading && factors.data === null}
          empty={(
            <EmptyState title="No security methods yet">
              <p>You sign in with your password alone. Add a passkey: it cannot be phished, and it signs you in without a password.</p>
            </EmptyState>
          )}
        />
      </section>
      <Advice />
      {dialog === 'totp' && <AuthenticatorAppDialog onClose={() => setDialog(null)} onDone={() => void done('Your authenticator app was added.')} />}
      {dialog === 'codes' && <RecoveryCodesDialog replacing={active(RECOVERY_CODE)} onClose={() => { setDialog(null); void factors.reload(); }} />}
      {removing && <RemoveDialog factor={removing} onClose={() => setRemoving(null)} onRemoved={(what) => { setRemoving(null); void done(`${what} was removed.`); }} />}
    </>
  );
}

function Advice() {
  return (
    <section className="panel" aria-labelledby="advice-title">
      <h2 id="advice-title">Keeping your account safe</h2>
      <ul className="small">
        <li>Have two ways to sign in, such as passkeys on two devices, so losing one device does not lock you out.</li>
        <li>New methods can only be added from a network you have signed in from before.</li>
        <li>Your organization may require a passkey; then your last one cannot be removed until you add another.</li>
      </ul>
    </section>
  );
}

/** Asks before removing a factor, and shows in place why the server refused (the sign-on rule's advice). */
function RemoveDialog({ factor, onClose, onRemoved }: { factor: Factor; onClose: () => void; onRemoved: (what: string) => void }) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const { kind } = factorName(factor.factorType, factor.provider);
  const consequence: Record<string, ReactNode> = {
    [WEBAUTHN]: 'You will no longer be able to sign in with this passkey. Delete it from your device or password manager too.',
    [TOTP]: 'Codes from this app will no longer be accepted.',
    [RECOVERY_CODE]: 'Your remaining recovery codes will stop working.',
  };
  const remove = async () => {
    setBusy(true);
    setFailure(null);
    try {
      await call('DELETE', `${FACTORS}/${factor.id}`);
      onRemoved(kind);
    } catch (err) {
      setFailure(await failureOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Remove ${kind.toLowerCase()}?`} onClose={() => { if (!busy) onClose(); }} describedBy="remove-message">
      <p id="remove-message">{consequence[factor.factorType] ?? 'This method will no longer work for signing in.'} Added {date(factor.created)}.</p>
      <FailureBanner failure={failure} />
      <div className="form-actions">
        <button type="button" className="button-secondary" onClick={onClose} disabled={busy}>Cancel</button>
        {!failure && <button type="button" className="button-danger" onClick={() => void remove()} disabled={busy} aria-busy={busy}>{busy ? 'Removing…' : 'Remove'}</button>}
      </div>
    </Dialog>
  );
}
