import { useEffect, useRef, useState, type ReactNode } from 'react';
import { adminCall } from '../client.ts';
import { formatDate } from '../format.ts';
import { ApproveDialog, DenyDialog, Email, formatDuration, WriteBadge, type Grant } from './SupportAccessDialogs.tsx';
import { ExtensionApproveDialog, ExtensionDenyDialog, ExtensionStatus, extensionWaiting } from './SupportAccessExtension.tsx';
import { PreApprovalRules } from './SupportAccessPolicy.tsx';
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

/** Whether the grant waits for a decision: a request for access, or for more time on a running grant. */
const waitingOn = (g: Grant): boolean => g.status === 'PENDING' || extensionWaiting(g);

/** Requests waiting for a decision first (the server's newest-first order kept within each part). */
function ordered(grants: readonly Grant[]): Grant[] {
  return [...grants.filter(waitingOn), ...grants.filter((g) => !waitingOn(g))];
}

type Action = 'approve' | 'deny' | 'approve-extension' | 'deny-extension';
type Open = { kind: Action; grant: Grant } | null;

function waitingWords(requests: number, extensions: number): string {
  const count = (n: number, what: string) => `${n} ${what.replace('request', n === 1 ? 'request' : 'requests')}`;
  const verb = requests + extensions === 1 ? 'is' : 'are';
  if (extensions === 0) return `${count(requests, 'request')} ${verb} waiting for a decision. Undecided, a request lapses 12 hours after it was made.`;
  if (requests === 0) return `${count(extensions, 'request for more time')} ${verb} waiting for a decision. Undecided, a request for more time lapses when its grant ends.`;
  return `${count(requests, 'request')} and ${count(extensions, 'request for more time')} are waiting for a decision. Undecided, a request lapses 12 hours after it was made, a request for more time when its grant ends.`;
}

/**
 * Support access (docs/support-access.md): support staff's requests for access to this tenant, each against one
 * of its cases, and the grants its admins gave. Requests waiting for a decision (for access, or for more time on
 * a running grant) come first and stand out; an admin who may manage support access approves (narrower or
 * shorter if they like; a protected action), denies, or revokes a running grant, and sets the rules that approve
 * some requests in advance. Read-only admins see the same page without the buttons.
 */
export default function SupportAccess({ canManage }: { canManage: boolean }) {
  const { data, error, loading, reload, replace } = useLoad<Grant[]>(LIST);
  const [open, setOpen] = useState<Open>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  const grants = ordered(data ?? []);
  const waiting = grants.filter((g) => g.status === 'PENDING').length;
  const moreTime = grants.filter(extensionWaiting).length;

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
        {waiting + moreTime > 0 && <p className="banner banner-warning support-waiting">{waitingWords(waiting, moreTime)}</p>}
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
      {open?.kind === 'approve-extension' && (
        <ExtensionApproveDialog grant={open.grant} onClose={() => setOpen(null)} onFailed={reload}
          onDone={(g) => done(g, `More time for ${g.staff.name} (case ${g.caseId}) was approved: access until ${formatDate(g.expiresAt)}.`)} />
      )}
      {open?.kind === 'deny-extension' && (
        <ExtensionDenyDialog grant={open.grant} onClose={() => setOpen(null)} onFailed={reload}
          onDone={(g) => done(g, `More time for ${g.staff.name} (case ${g.caseId}) was denied; access ends ${formatDate(g.expiresAt)}.`)} />
      )}
      <PreApprovalRules canManage={canManage} />
    </>
  );
}

function RowActions({ grant, onOpen, onRevoked }: { grant: Grant; onOpen: (kind: Action) => void; onRevoked: (g: Grant) => void }) {
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
    const revoke = (
      <ConfirmButton label={<>Revoke{who}</>} className="button-danger-quiet button-small" title={`Revoke access for ${grant.staff.name}?`} confirmLabel="Revoke access"
        onConfirm={async () => onRevoked(await adminCall<Grant>('POST', `/api/v1/support-access/grants/${grant.id}/revoke`))}>
        <p>The grant for case <code>{grant.caseId}</code> ends now, before its time ({formatDate(grant.expiresAt)}). Support must ask again for any further access.</p>
        {extensionWaiting(grant) && <p>Support's request for more time ends with it.</p>}
      </ConfirmButton>
    );
    if (!extensionWaiting(grant)) return revoke;
    return (
      <div className="button-row tight">
        <button type="button" className="button-primary button-small" onClick={() => onOpen('approve-extension')}>Approve more time{who}</button>
        <button type="button" className="button-danger-quiet button-small" onClick={() => onOpen('deny-extension')}>Deny more time{who}</button>
        {revoke}
      </div>
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
            <tr key={g.id} className={waitingOn(g) ? 'support-pending' : undefined}>
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
          {g.status === 'DENIED' ? 'Denied' : 'Approved'} by {decided.by ? decided.by.name : `pre-approval rule “${decided.rule?.name}”`}, {formatDate(decided.at)}
          {decided.note && <><br /><q className="support-note">{decided.note}</q></>}
        </p>
      )}
      <ExtensionStatus grant={g} />
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
