import { useState } from 'react';
import { call } from '../api.ts';
import { ErrorBanner, Notice } from '../admin/ui/Banner.tsx';
import { DataTable, type Column } from '../admin/ui/DataTable.tsx';
import { Dialog } from '../admin/ui/Dialog.tsx';
import { EmptyState } from '../admin/ui/EmptyState.tsx';
import { FailureBanner, failureOf, type Failure } from './failure.tsx';
import { ago, dateTime, deviceOf, methodsOf } from './format.ts';
import { useMine } from './useMine.ts';

/** One of the user's sessions, as /api/v1/users/me/sessions lists it. */
type OwnSession = {
  id: string;
  current: boolean;
  app: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  amr: string[];
  ipAddress: string | null;
  asNumber: number | null;
  asOrg: string | null;
  country: string | null;
  userAgent: string | null;
};

const SESSIONS = '/api/v1/users/me/sessions';

function networkOf(s: OwnSession): string {
  const as = s.asNumber === null ? null : `AS${s.asNumber}${s.asOrg ? ` ${s.asOrg}` : ''}`;
  return [as, s.country].filter(Boolean).join(' · ') || 'Unknown network';
}

/** Where the account is signed in, signing out of one session, and of all of them. */
export function SessionsSection() {
  const sessions = useMine<OwnSession[]>(SESSIONS);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [everywhere, setEverywhere] = useState(false);

  const signOutOf = async (s: OwnSession) => {
    setBusyId(s.id);
    setFailure(null);
    setNotice(null);
    try {
      await call('DELETE', `${SESSIONS}/${s.id}`);
      if (s.current) {
        window.location.assign('/signin');
        return;
      }
      await sessions.reload();
      setNotice(`Signed out of ${deviceOf(s.userAgent)} (${s.ipAddress ?? 'unknown address'}).`);
    } catch (err) {
      setFailure(await failureOf(err));
    } finally {
      setBusyId(null);
    }
  };

  const columns: Column<OwnSession>[] = [
    {
      header: 'Device',
      cell: (s) => (
        <>
          <div className="cell-main">
            {deviceOf(s.userAgent)} {s.current && <span className="badge badge-current">This device</span>}
          </div>
          <div className="cell-sub" title={s.userAgent ?? undefined}>Signed in with {methodsOf(s.amr)}</div>
        </>
      ),
    },
    { header: 'IP address', cell: (s) => <span className="mono">{s.ipAddress ?? 'Unknown'}</span> },
    { header: 'Network', cell: (s) => networkOf(s) },
    { header: 'Signed in', cell: (s) => dateTime(s.createdAt) },
    { header: 'Last activity', cell: (s) => <time dateTime={s.lastSeenAt} title={dateTime(s.lastSeenAt)}>{ago(s.lastSeenAt)}</time> },
    {
      header: 'Actions',
      className: 'actions-cell',
      cell: (s) => (
        <button type="button" className="button-danger-quiet button-small" disabled={busyId !== null} aria-busy={busyId === s.id} onClick={() => void signOutOf(s)}>
          Sign out<span className="visually-hidden"> of {s.current ? 'this device' : `${deviceOf(s.userAgent)} at ${s.ipAddress ?? 'an unknown address'}`}</span>
        </button>
      ),
    },
  ];

  const list = sessions.data ?? [];
  return (
    <>
      <FailureBanner failure={failure} onDismiss={() => setFailure(null)} />
      {notice && <Notice>{notice}</Notice>}
      <section className="panel" aria-labelledby="sessions-title">
        <div className="section-head">
          <div>
            <h2 id="sessions-title">Signed-in devices</h2>
            <p className="hint">{list.length === 1 ? 'Only this device is signed in.' : `${list.length} sessions are signed in.`}</p>
          </div>
          <div className="button-row">
            <button type="button" className="button-secondary" onClick={() => void sessions.reload()} disabled={sessions.loading}>Refresh</button>
            <button type="button" className="button-danger" onClick={() => setEverywhere(true)} disabled={list.length === 0}>Sign out everywhere</button>
          </div>
        </div>
        <ErrorBanner message={sessions.error} />
        <DataTable
          caption="Your signed-in sessions"
          columns={columns}
          rows={list}
          rowKey={(s) => s.id}
          loading={sessions.loading && sessions.data === null}
          empty={<EmptyState title="No active sessions">Sessions appear here when you sign in.</EmptyState>}
        />
      </section>
      {everywhere && <EverywhereDialog count={list.length} onClose={() => setEverywhere(false)} />}
    </>
  );
}

/** Signing out of every session, this one included, asked first since it ends this page's too. */
function EverywhereDialog({ count, onClose }: { count: number; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const signOut = async () => {
    setBusy(true);
    try {
      await call('DELETE', SESSIONS);
      window.location.assign('/signin');
    } catch (err) {
      setFailure(await failureOf(err));
      setBusy(false);
    }
  };
  return (
    <Dialog title="Sign out everywhere?" onClose={() => { if (!busy) onClose(); }} describedBy="everywhere-message">
      <p id="everywhere-message">
        All {count} of your sessions end, this one included, on every device and browser. Use this if you lost a device or see one you do not recognize.
      </p>
      <FailureBanner failure={failure} />
      <div className="form-actions">
        <button type="button" className="button-secondary" onClick={onClose} disabled={busy}>Cancel</button>
        <button type="button" className="button-danger" onClick={() => void signOut()} disabled={busy} aria-busy={busy}>{busy ? 'Signing out…' : 'Sign out everywhere'}</button>
      </div>
    </Dialog>
  );
}
