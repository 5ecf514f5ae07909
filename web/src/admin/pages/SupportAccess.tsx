import { useEffect, useRef, useState, type ReactNode } from 'react';
import { adminCall } from '../client.ts';
import { formatDate } from '../format.ts';
import { ApproveDialog, DenyDialog, Email, formatDuration, WriteBadge, type Grant } from './SupportAccessDialogs.tsx';
import { ErrorBanner, Notice } from '../ui/Banner.tsx';
import { ConfirmButton } from '../ui/ConfirmButton.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { Facts, PageHeader } from '../ui/Page.tsx';
import { useLoad } from '../ui/useLoad.ts';

/** The list as the server answers it: newest first, at most 200 (the endpoint has no further pages). */
const LIST = '/api/v1/support-access/grants?limit=200';

const STATUS_LABELS: Record<Grant['status'], string> = {
  PENDING: 'Waiting for your decision',
  APPROVED: 'Approved',
  DENIED: 'Denied',
  REVOKED: 'Revoked',
  EXPIRED: 'Expired',
};

function statusLabel(g: Grant): string {
  if (g.status === 'REVOKED' && g.revocation?.kind === 'STAFF') return 'Ended by support';
  if (g.status === 'EXPIRED' && g.decision === null) return 'Lapsed undecided';
  return STATUS_LABELS[g.status];
}

/** Requests waiting for a decision first (the server's newest-first order kept within each part). */
function ordered(grants: readonly Grant[]): Grant[] {
  return [...grants.filter((g) => g.status === 'PENDING'), ...grants.filter((g) => g.status !== 'PENDING')];
}

type Open = { kind: 'approve' | 'deny'; grant: Grant } | null;

/**
 * Support access (docs/support-access.md): support staff's requests for access to this tenant, each against one
 * of its cases, and the grants its admins gave. Requests waiting for a decision come first and stand out; an
 * admin who may manage support access approves (narrower or shorter if they like; a protected action), denies,
 * or revokes a running grant. Read-only admins see the same list without the buttons.
 */
export default function SupportAccess({ canManage }: { canManage: boolean }) {
  const { data, error, loading, reload, replace } = useLoad<Grant[]>(LIST);
  const [open, setOpen] = useState<Open>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  const grants = ordered(data ?? []);
  const waiting = grants.filter((g) => g.status === 'PENDING').length;

  // The row acted on loses the button that had focus: focus goes to the result instead, which is also read out.
  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  /** Puts a decided grant in its row, says what happened, and reads the list again for anything else that changed. */
  const done = (grant: Grant, message: string) => {
    setOpen(null);
    replace((data ?? []).map((g) => (g.id === grant.id ? grant : g)));
    setNotice(message);
    reload();
  };

  return (
    <>
      <PageHeader
        title="Support access"
        description="Support staff have no standing access to this organization. They ask for it against one of your open cases; you decide, and can end it at any time."
        actions={<button type="button" className="button-secondary" onClick={() => { setNotice(null); reload(); }} disabled={loading}>Refresh</button>}
      />
      <div className="card">
        {!canManage && <p className="hint">You can see requests and grants. Approving, denying and revoking them needs the super or organization admin role.</p>}
        {waiting > 0 && (
          <p className="banner banner-warning support-waiting">
            {waiting === 1 ? '1 request is waiting for a decision.' : `${waiting} requests are waiting for a decision.`} Undecided, a request lapses 12 hours after it was made.
          </p>
        )}
        {notice && <div ref={noticeRef} tabIndex={-1} className="notice-focus"><Notice>{notice}</Notice></div>}
        <ErrorBanner message={error} />
        {grants.length === 0 && !loading ? (
          <EmptyState title="No support access requests">When support staff ask for access to work on one of your cases, the request appears here for you to decide.</EmptyState>
        ) : (
          <GrantTable grants={grants} loading={loading} actions={canManage ? (g) => (
            <RowActions grant={g} onOpen={(kind) => { setNotice(null); setOpen({ kind, grant: g }); }}
              onRevoked={(r) => done(r, `Access for ${r.staff.name} (case ${r.caseId}) was revoked.`)} />
          ) : null} />
        )}
      </div>
      {open?.kind === 'approve' && (
        <ApproveDialog grant={open.grant} onClose={() => setOpen(null)} onFailed={reload}
          onDone={(g) => done(g, `Access for ${g.staff.name} (case ${g.caseId}) was approved until ${formatDate(g.expiresAt)}.`)} />
      )}
      {open?.kind === 'deny' && (
        <DenyDialog grant={open.grant} onClose={() => setOpen(null)} onFailed={reload}
          onDone={(g) => done(g, `The request of ${g.staff.name} (case ${g.caseId}) was denied.`)} />
      )}
    </>
  );
}

function RowActions({ grant, onOpen, onRevoked }: { grant: Grant; onOpen: (kind: 'approve' | 'deny') => void; onRevoked: (g: Grant) => void }) {
  const who = <span className="visually-hidden"> {grant.staff.name}, case {grant.caseId}</span>;
  if (grant.status === 'PENDING') {
    return (
      <div className="button-row tight">
        <button type="button" className="button-primary button-small" onClick={() => onOpen('approve')}>Approve{who}</button>
        <button type="button" className="button-danger-quiet button-small" onClick={() => onOpen('deny')}>Deny{who}</button>
      </div>
    );
  }
  if (grant.status === 'APPROVED') {
    return (
      <ConfirmButton label={<>Revoke{who}</>} className="button-danger-quiet button-small" title={`Revoke access for ${grant.staff.name}?`} confirmLabel="Revoke access"
        onConfirm={async () => onRevoked(await adminCall<Grant>('POST', `/api/v1/support-access/grants/${grant.id}/revoke`))}>
        <p>The grant for case <code>{grant.caseId}</code> ends now, before its time ({formatDate(grant.expiresAt)}). Support must ask again for any further access.</p>
      </ConfirmButton>
    );
  }
  return null;
}

function GrantTable({ grants, loading, actions }: { grants: readonly Grant[]; loading: boolean; actions: ((g: Grant) => ReactNode) | null }) {
  const headers = ['Support staff and case', 'Justification', 'Scopes', 'Duration', 'Status', ...(actions ? ['Actions'] : [])];
  return (
    <div className="table-wrap">
      <table className="data-table support-table" aria-busy={loading}>
        <caption className="visually-hidden">Support access requests and grants, those waiting for a decision first</caption>
        <thead>
          <tr>{headers.map((h) => <th key={h} scope="col" className={h === 'Actions' ? 'actions-cell' : undefined}>{h}</th>)}</tr>
        </thead>
        <tbody>
          {grants.length === 0 && <tr><td colSpan={headers.length} className="loading-cell">Loading…</td></tr>}
          {grants.map((g) => (
            <tr key={g.id} className={g.status === 'PENDING' ? 'support-pending' : undefined}>
              <td>
                <div className="support-who">
                  <span className="strong">{g.staff.name}</span>
                  {g.staff.email && <span className="small muted"><Email address={g.staff.email} /></span>}
                  <span className="small">Case <code>{g.caseId}</code></span>
                </div>
              </td>
              <td className="support-justification">{g.justification}</td>
              <td>
                <ul className="plain-list support-scope-list">
                  {g.scopes.map((s) => <li key={s.name}><span>{s.label}</span>{s.write && <> <WriteBadge /></>}</li>)}
                </ul>
              </td>
              <td className="nowrap">{formatDuration(g.durationMinutes)}</td>
              <td><Status grant={g} /></td>
              {actions && <td className="actions-cell">{actions(g)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The status, its dates (asked, to be decided by, running until), who decided and when (with their note), and who ended it. */
function Status({ grant: g }: { grant: Grant }) {
  const decided = g.decision;
  return (
    <div className="support-status">
      <span className={`badge badge-support-${g.status.toLowerCase()}`}>{statusLabel(g)}</span>
      <Dates grant={g} />
      {decided && (
        <p className="small">
          {g.status === 'DENIED' ? 'Denied' : 'Approved'} by {decided.by.name}, {formatDate(decided.at)}
          {decided.note && <><br /><q className="support-note">{decided.note}</q></>}
        </p>
      )}
      {g.revocation && (
        <p className="small">
          {g.revocation.kind === 'STAFF' ? `Ended by ${g.revocation.by.name} (support)` : `Revoked by ${g.revocation.by.name}`}, {formatDate(g.revocation.at)}
        </p>
      )}
    </div>
  );
}

function Dates({ grant: g }: { grant: Grant }) {
  const items: [string, string][] = [['Requested', formatDate(g.requested)]];
  if (g.status === 'PENDING' || (g.status === 'EXPIRED' && g.decision === null)) items.push([g.status === 'PENDING' ? 'Decide by' : 'Lapsed', formatDate(g.decideBy)]);
  if (g.expiresAt) items.push([g.status === 'APPROVED' ? 'Expires' : g.status === 'EXPIRED' ? 'Expired' : 'Was to expire', formatDate(g.expiresAt)]);
  return <Facts items={items} className="support-dates" />;
}
