import { useEffect, useRef, useState } from 'react';
import { formatDate, userName } from '../format.ts';
import { Link } from '../navigation.tsx';
import type { User, Verification } from '../types.ts';
import { ErrorBanner, Notice } from '../ui/Banner.tsx';
import { DataTable, type Column } from '../ui/DataTable.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { Section } from '../ui/Page.tsx';
import { useLoad } from '../ui/useLoad.ts';
import { useNames } from '../ui/useNames.ts';
import { AttestDialog, DenyDialog } from './VerificationDialogs.tsx';
import { ACTION_WORDS } from './verification.ts';

/** Requests for an attestation still waiting; the server marks those the signed-in admin may attest (`_links.attest`). */
const LIST = '/api/v1/verifications?status=PENDING&method=ADMIN_ATTESTATION&limit=200';

/** How often the list is read again while the page is open: a request lapses in 30 minutes. */
const POLL_MS = 15_000;

type Deciding = { kind: 'attest' | 'deny'; v: Verification } | null;

/**
 * "Verifications waiting for you" (docs/privileged-verification.md): a help-desk admin asked a second admin to
 * verify a person before resetting their password or factors, and the signed-in admin may attest it (a super
 * admin for a super admin; never the one who asked, nor the person). Attest (a protected action: the passkey
 * again) or deny, from here or from the person's page.
 */
export function VerificationsWaiting() {
  const { data, error, loading, reload } = useLoad<Verification[]>(LIST);
  const [deciding, setDeciding] = useState<Deciding>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  const rows = (data ?? []).filter((v) => 'attest' in v._links);
  const names = useNames<User>('/api/v1/users', rows.map((v) => v.userId), (u) => userName(u.profile));
  const person = (v: Verification) => names.get(v.userId) ?? v.userId;

  useEffect(() => {
    const timer = window.setInterval(reload, POLL_MS);
    return () => window.clearInterval(timer);
  }, [reload]);

  // The row decided loses the button that had focus: focus goes to the result instead, which is also read out.
  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  const decided = (message: string) => {
    setDeciding(null);
    setNotice(message);
    reload();
  };

  const columns: Column<Verification>[] = [
    { header: 'Person', cell: (v) => <Link to={`/admin/users/${encodeURIComponent(v.userId)}`}>{person(v)}</Link> },
    { header: 'For', cell: (v) => ACTION_WORDS[v.action].label },
    { header: 'Asked by', cell: (v) => <>{v.requestedBy.name}<br /><span className="small muted">{formatDate(v.created)}</span></> },
    { header: 'Lapses', cell: (v) => formatDate(v.verifyBy), className: 'nowrap' },
    {
      header: 'Actions',
      className: 'actions-cell',
      cell: (v) => {
        const who = <span className="visually-hidden"> the verification of {person(v)}</span>;
        return (
          <div className="button-row tight">
            <button type="button" className="button-primary button-small" onClick={() => { setNotice(null); setDeciding({ kind: 'attest', v }); }}>Attest{who}</button>
            <button type="button" className="button-danger-quiet button-small" onClick={() => { setNotice(null); setDeciding({ kind: 'deny', v }); }}>Deny{who}</button>
          </div>
        );
      },
    },
  ];

  return (
    <Section
      title="Verifications waiting for you"
      description="A help-desk admin must have the person verified before resetting an admin's password or factors. Verify the person yourself (a video call, in person), then attest how; or deny it."
      actions={<button type="button" className="button-secondary" onClick={() => { setNotice(null); reload(); }} disabled={loading}>Refresh</button>}
    >
      {rows.length > 0 && <p className="banner banner-warning">{rows.length === 1 ? '1 verification is' : `${rows.length} verifications are`} waiting for you. Undecided, a request lapses 30 minutes after it was made.</p>}
      {notice && <div ref={noticeRef} tabIndex={-1} className="notice-focus"><Notice>{notice}</Notice></div>}
      <ErrorBanner message={error} />
      <DataTable caption="Verifications waiting for you to attest or deny" columns={columns} rows={rows} rowKey={(v) => v.id} loading={loading && !data}
        empty={<EmptyState title="Nothing waits for you">When a help-desk admin asks a second admin to verify a person, the request appears here.</EmptyState>} />
      {deciding?.kind === 'attest' && (
        <AttestDialog v={deciding.v} person={person(deciding.v)} onClose={() => setDeciding(null)}
          onDone={(v) => decided(`You attested the verification of ${person(v)}. ${v.requestedBy.name} may now ${ACTION_WORDS[v.action].label.toLowerCase()}, once, until ${formatDate(v.useBy)}.`)} />
      )}
      {deciding?.kind === 'deny' && (
        <DenyDialog v={deciding.v} person={person(deciding.v)} onClose={() => setDeciding(null)} onDone={(v) => decided(`The verification of ${person(v)} was denied.`)} />
      )}
    </Section>
  );
}
