import { useState } from 'react';
import { formatDate, quoted, userName, withQuery } from '../format.ts';
import { Link } from '../navigation.tsx';
import type { Alert, User } from '../types.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { DataTable, type Column } from '../ui/DataTable.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { Facts, PageHeader } from '../ui/Page.tsx';
import { Pager } from '../ui/Pager.tsx';
import { useNames } from '../ui/useNames.ts';
import { usePagedList } from '../ui/usePagedList.ts';
import { VerificationsWaiting } from './VerificationsWaiting.tsx';

/**
 * Alert types as sentences; a detection rule's alert (docs/detections.md) carries its rule's own title, a Sigma
 * rule's among them; any other type is shown as the server names it.
 */
const ALERT_TITLES: Record<string, string> = {
  NEW_FACTOR_FROM_NEW_LOCATION: 'Factor enrollment from a new location',
  VERIFICATION_ATTESTATION_REQUESTED: 'A second admin is asked to verify a person',
};

const title = (a: Alert) => ALERT_TITLES[a.type] ?? (typeof a.details['title'] === 'string' ? a.details['title'] : a.type.replace(/_/g, ' ').toLowerCase().replace(/^./, (c) => c.toUpperCase()));

function scalar(v: unknown): string | null {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
}

/** The details that read as one line each (an IP, a country); anything nested is in the full record. */
function summary(a: Alert): string {
  return Object.entries(a.details).flatMap(([k, v]) => (scalar(v) === null ? [] : [`${k}: ${scalar(v)}`])).slice(0, 3).join(' · ');
}

/**
 * Security rules' findings, newest first, each opened for its full detail; above them, for an admin who may
 * attest (`canAttest`), the verifications of a person waiting for a second admin.
 */
export default function Alerts({ canAttest }: { canAttest: boolean }) {
  const list = usePagedList<Alert>('/api/v1/alerts?limit=25');
  const [open, setOpen] = useState<Alert | null>(null);
  const users = useNames<User>('/api/v1/users', list.items.flatMap((a) => (a.userId ? [a.userId] : [])), (u) => userName(u.profile));

  const columns: Column<Alert>[] = [
    { header: 'Raised', cell: (a) => formatDate(a.created), className: 'nowrap' },
    { header: 'Severity', cell: (a) => <span className={`badge badge-severity-${a.severity.toLowerCase()}`}>{a.severity}</span> },
    { header: 'Alert', cell: (a) => <button type="button" className="link-button" onClick={() => setOpen(a)}>{title(a)}</button> },
    { header: 'User', cell: (a) => (a.userId ? <Link to={`/admin/users/${a.userId}`}>{users.get(a.userId) ?? a.userId}</Link> : '—') },
    { header: 'Details', cell: (a) => <span className="small">{summary(a)}</span> },
  ];

  return (
    <>
      <PageHeader title="Alerts" description="What the security rules found, such as a factor enrolled from a network the user never signed in from." />
      {canAttest && <VerificationsWaiting />}
      <div className="card">
        <ErrorBanner message={list.error} />
        <DataTable caption="Alerts" columns={columns} rows={list.items} rowKey={(a) => a.id} loading={list.loading} onOpen={setOpen} selectedKey={open?.id ?? null}
          empty={<EmptyState title="No alerts">Nothing suspicious has been found. Alerts appear here as the security rules raise them.</EmptyState>} />
        <Pager label="Alert pages" page={list.page} hasPrevious={list.hasPrevious} hasNext={list.hasNext} onPrevious={list.previous} onNext={list.next} busy={list.loading} />
      </div>
      {open && (
        <Dialog title={title(open)} onClose={() => setOpen(null)} variant="panel">
          <Facts items={[
            ['Raised', formatDate(open.created)],
            ['Severity', open.severity],
            ['Type', <code key="type">{open.type}</code>],
            ['User', open.userId ? <Link key="user" to={`/admin/users/${open.userId}`}>{users.get(open.userId) ?? open.userId}</Link> : '—'],
            ['Alert ID', <code key="id">{open.id}</code>],
          ]} />
          {open.userId && <p><Link to={withQuery('/admin/logs', { filter: `actor.id eq ${quoted(open.userId)} or target.id eq ${quoted(open.userId)}` })}>The user's System Log events</Link></p>}
          <h3>Details</h3>
          <pre className="json" tabIndex={0} role="region" aria-label="Alert details as JSON">{JSON.stringify(open.details, null, 2)}</pre>
        </Dialog>
      )}
    </>
  );
}
