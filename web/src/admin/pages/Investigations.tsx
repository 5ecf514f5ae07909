import { useState } from 'react';
import { adminCall } from '../client.ts';
import { formatDate } from '../format.ts';
import { Link, navigate } from '../navigation.tsx';
import { ErrorBanner, Notice } from '../ui/Banner.tsx';
import { ConfirmButton } from '../ui/ConfirmButton.tsx';
import { DataTable, type Column } from '../ui/DataTable.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { PageHeader } from '../ui/Page.tsx';
import { Pager } from '../ui/Pager.tsx';
import { usePagedList } from '../ui/usePagedList.ts';
import { InvestigationDialog } from './InvestigationDialog.tsx';
import { investigationPath, suspectList, type Investigation } from './investigation.ts';

/** A list cell names this many indicators; the investigation itself shows them all. */
const SHOWN_SUSPECTS = 3;

function SuspectsCell({ investigation }: { investigation: Investigation }) {
  const all = suspectList(investigation.suspects);
  const rest = all.length - SHOWN_SUSPECTS;
  return <span className="small">{all.slice(0, SHOWN_SUSPECTS).join(', ')}{rest > 0 ? `, and ${rest} more` : ''}</span>;
}

/**
 * Investigations of this organization's own System Log (docs/forensics.md, "In the admin console"): the saved
 * incidents, newest first, each opened for its blast radius, timeline and pivots; an admin who may
 * (`canManage`) saves a new one or deletes one.
 */
export default function Investigations({ canManage }: { canManage: boolean }) {
  const list = usePagedList<Investigation>('/api/v1/investigations?limit=50');
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const remove = async (inv: Investigation) => {
    await adminCall('DELETE', investigationPath(inv.id));
    setNotice(`“${inv.name}” was deleted. The System Log events it looked at are unchanged.`);
    list.reload();
  };

  const columns: Column<Investigation>[] = [
    { header: 'Investigation', cell: (i) => <Link to={`/admin/investigations/${encodeURIComponent(i.id)}`}>{i.name}</Link> },
    { header: 'Window', cell: (i) => <>{formatDate(i.window.since)} to<br />{formatDate(i.window.until)}</>, className: 'nowrap' },
    { header: 'Suspects', cell: (i) => <SuspectsCell investigation={i} /> },
    { header: 'Created', cell: (i) => <>{formatDate(i.created)}<br /><span className="small muted">by {i.createdBy.displayName}</span></>, className: 'nowrap' },
    ...(canManage ? [{
      header: 'Actions',
      className: 'actions-cell',
      cell: (i: Investigation) => (
        <ConfirmButton label={<>Delete<span className="visually-hidden"> {i.name}</span></>} className="button-danger-quiet button-small" title={`Delete “${i.name}”?`} confirmLabel="Delete" onConfirm={() => remove(i)}>
          <p>The saved investigation goes; the System Log events it looked at stay as they are, and reports already downloaded stay valid.</p>
        </ConfirmButton>
      ),
    }] : []),
  ];

  return (
    <>
      <PageHeader
        title="Investigations"
        description="After an incident: name the suspects and the window, then see from this organization's System Log whom they reached, what they did and where from, and download a signed impact report."
        actions={canManage ? <button type="button" className="button-primary" onClick={() => setCreating(true)}>New investigation</button> : undefined}
      />
      <div className="card">
        {notice && <Notice>{notice}</Notice>}
        <ErrorBanner message={list.error} />
        <DataTable caption="Investigations, newest first" columns={columns} rows={list.items} rowKey={(i) => i.id} loading={list.loading}
          empty={<EmptyState title="No investigations">{canManage ? 'Start one with “New investigation” when something needs looking into.' : 'An organization or super admin starts investigations; they appear here.'}</EmptyState>} />
        <Pager label="Investigation pages" page={list.page} hasPrevious={list.hasPrevious} hasNext={list.hasNext} onPrevious={list.previous} onNext={list.next} busy={list.loading} />
      </div>
      {creating && <InvestigationDialog onClose={() => setCreating(false)} onCreated={(inv) => navigate(`/admin/investigations/${encodeURIComponent(inv.id)}`)} />}
    </>
  );
}
