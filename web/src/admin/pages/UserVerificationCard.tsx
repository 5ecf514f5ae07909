import { useEffect, useState } from 'react';
import { adminCall } from '../client.ts';
import { formatDate, userName } from '../format.ts';
import type { AdminSession, User, Verification, VerifiedAction } from '../types.ts';
import { ErrorBanner, Notice } from '../ui/Banner.tsx';
import { ConfirmButton } from '../ui/ConfirmButton.tsx';
import { DataTable, type Column } from '../ui/DataTable.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { FormActions } from '../ui/Fields.tsx';
import { OneTimeValue } from '../ui/OneTimeValue.tsx';
import { Section } from '../ui/Page.tsx';
import { useLoad, useReloadOn } from '../ui/useLoad.ts';
import { AttestDialog, DenyDialog, withdraw } from './VerificationDialogs.tsx';
import { VerifyPersonDialog } from './VerifyPersonDialog.tsx';
import { ACTION_WORDS, METHOD_WORDS, standing } from './verification.ts';

/** While a request waits on someone else (the person, a second admin), the card reads it again this often. */
const POLL_MS = 5_000;

/** The verification dialog, open: `refused` is the reset the server just refused for want of one, if that is what opened it. */
export type Ask = { refused: VerifiedAction | null };

type Deciding = { kind: 'attest' | 'deny'; v: Verification } | null;

/**
 * Verification of the person (docs/privileged-verification.md) on a user's page: the user's verifications and
 * where each stands, what the signed-in admin may do with each (attest, deny, withdraw their own, or do the reset
 * a verification of theirs allows), and the dialog that asks for one. Shown once there is something to show: a
 * verification of the user, or a reset of theirs the server refused for want of one (`ask`).
 */
export function UserVerificationCard({ user, viewer, ask, onAsk, onAskClosed, changes, onReset }: {
  user: User;
  viewer: AdminSession;
  ask: Ask | null;
  onAsk: (ask: Ask) => void;
  onAskClosed: () => void;
  /** Bumped when a reset elsewhere on the page may have used a verification. */
  changes: number;
  onReset: () => void;
}) {
  const name = userName(user.profile);
  const base = `/api/v1/users/${encodeURIComponent(user.id)}`;
  const { data, error, loading, reload } = useLoad<Verification[]>(`${base}/verifications?limit=10`);
  const [deciding, setDeciding] = useState<Deciding>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [resetLink, setResetLink] = useState<string | null>(null);
  const verifications = data ?? [];
  const waiting = verifications.some((v) => v.status === 'PENDING');
  const me = viewer.user.id;
  const mayAsk = user.id !== me && (viewer.permissions.includes('users.helpdesk') || viewer.permissions.includes('users.factors.reset'));

  useReloadOn(changes, reload);

  useEffect(() => {
    if (!waiting) return;
    const timer = window.setInterval(reload, POLL_MS);
    return () => window.clearInterval(timer);
  }, [waiting, reload]);

  const decided = (message: string) => {
    setDeciding(null);
    setNotice(message);
    reload();
  };

  const resetNow = async (v: Verification) => {
    setNotice(null);
    if (v.action === 'RESET_FACTORS') {
      await adminCall('POST', `${base}/lifecycle/reset_factors`);
      setNotice(`${name}'s factors were reset. They enroll again at their next sign-in.`);
    } else {
      const answer = await adminCall<{ resetPasswordUrl?: string }>('POST', `${base}/lifecycle/reset_password?sendEmail=false`);
      setNotice(`${name}'s password was reset.`);
      // After the confirmation dialog has closed, so this one opens from (and returns focus to) the page.
      if (answer.resetPasswordUrl) window.setTimeout(() => setResetLink(answer.resetPasswordUrl ?? null), 0);
    }
    // The page's bump of `changes` reads this card again too.
    onReset();
  };

  const columns: Column<Verification>[] = [
    { header: 'For', cell: (v) => ACTION_WORDS[v.action].label },
    { header: 'How', cell: (v) => METHOD_WORDS[v.method] },
    { header: 'Asked', cell: (v) => <>{v.requestedBy.id === me ? 'You' : v.requestedBy.name}<br /><span className="small muted">{formatDate(v.created)}</span></>, className: 'nowrap' },
    {
      header: 'Status',
      cell: (v) => {
        const s = standing(v, me);
        return <div className="verification-status"><span className={`badge badge-verification-${s.badge}`}>{s.label}</span><span className="small">{s.detail}</span></div>;
      },
    },
    {
      header: 'Actions',
      className: 'actions-cell',
      cell: (v) => {
        const what = <span className="visually-hidden"> the verification for {ACTION_WORDS[v.action].label.toLowerCase()}, asked {formatDate(v.created)}</span>;
        const own = v.requestedBy.id === me;
        return (
          <div className="button-row tight">
            {own && v.status === 'VERIFIED' && (
              <ConfirmButton label={`${ACTION_WORDS[v.action].label} now`} className="button-primary button-small" danger={false}
                title={`${ACTION_WORDS[v.action].label} of ${name}?`} confirmLabel={ACTION_WORDS[v.action].label} onConfirm={() => resetNow(v)}>
                {v.action === 'RESET_FACTORS'
                  ? <p>Every factor they have is removed; they enroll again. The verification is used up.</p>
                  : <p>Their password stops working and they are signed out everywhere. You get a one-time link with which they choose a new one. The verification is used up.</p>}
              </ConfirmButton>
            )}
            {'attest' in v._links && <button type="button" className="button-primary button-small" onClick={() => { setNotice(null); setDeciding({ kind: 'attest', v }); }}>Attest{what}</button>}
            {'deny' in v._links && (own
              ? (
                <ConfirmButton label={<>Withdraw{what}</>} className="button-danger-quiet button-small" title="Withdraw your request?" confirmLabel="Withdraw"
                  onConfirm={async () => { await withdraw(v); decided('Your request was withdrawn.'); }}>
                  <p>It can no longer be verified or used. Ask again if you still need it.</p>
                </ConfirmButton>
              )
              : <button type="button" className="button-danger-quiet button-small" onClick={() => { setNotice(null); setDeciding({ kind: 'deny', v }); }}>Deny{what}</button>)}
          </div>
        );
      },
    },
  ];

  if (!ask && verifications.length === 0 && !notice) return null;
  return (
    <Section
      title="Verification of the person"
      description={`${name} holds an admin role: before the help desk resets their password or factors, the person is verified, by their own passkey or by a second admin.`}
      actions={mayAsk && <button type="button" className="button-secondary" onClick={() => { setNotice(null); onAsk({ refused: null }); }}>Verify the person</button>}
    >
      {notice && <Notice>{notice}</Notice>}
      <ErrorBanner message={error} />
      <DataTable caption={`Verifications of ${name}, newest first`} columns={columns} rows={verifications} rowKey={(v) => v.id} loading={loading && !data}
        empty={<p className="hint">No verification has been asked for yet.</p>} />
      {ask && (
        <VerifyPersonDialog user={user} refused={ask.refused} viewerName={viewer.user.displayName || viewer.user.login} onClose={onAskClosed}
          onAsked={(v) => {
            setNotice(v.method === 'ADMIN_ATTESTATION'
              ? `Asked. A second admin (a super admin, if ${name} is one) must verify the person and attest it before ${formatDate(v.verifyBy)}; they find it under Alerts, in Verifications waiting for you. This page shows when it is done.`
              : `Asked. Waiting for ${name} to confirm with their passkey, before ${formatDate(v.verifyBy)}.`);
            reload();
          }} />
      )}
      {deciding?.kind === 'attest' && (
        <AttestDialog v={deciding.v} person={name} onClose={() => setDeciding(null)}
          onDone={(v) => decided(`You attested the verification of ${name}. ${v.requestedBy.name} may now ${ACTION_WORDS[v.action].label.toLowerCase()}, once, until ${formatDate(v.useBy)}.`)} />
      )}
      {deciding?.kind === 'deny' && (
        <DenyDialog v={deciding.v} person={name} onClose={() => setDeciding(null)} onDone={() => decided(`The verification of ${name} was denied.`)} />
      )}
      {resetLink && (
        <Dialog title="Password reset link" onClose={() => setResetLink(null)}>
          <OneTimeValue label="Reset link" value={resetLink} warning={`Send this link to ${name} yourself: it lets them choose a new password, works once, and is not shown again.`} />
          <FormActions><button type="button" className="button-primary" onClick={() => setResetLink(null)}>Done</button></FormActions>
        </Dialog>
      )}
    </Section>
  );
}
