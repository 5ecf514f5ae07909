import { useState } from 'react';
import { formatDate } from '../format.ts';
import { Link, navigate } from '../navigation.tsx';
import { ErrorBanner } from '../ui/Banner.tsx';
import { DataTable, type Column } from '../ui/DataTable.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { PageHeader } from '../ui/Page.tsx';
import { useLoad } from '../ui/useLoad.ts';
import { RemediationForm } from './RemediationForm.tsx';
import { RemediationStatusBadge, type Remediation } from './remediation.tsx';

/**
 * Remediation after an incident (docs/remediation.md): the organization's plans, newest first, and for an admin
 * who may plan (`canManage`) a new dry run, which opens the plan it made.
 */
export default function Remediations({ canManage }: { canManage: boolean }) {
  const { data, error, loading } = useLoad<Remediation[]>('/api/v1/remediations?limit=200');
  const [planning, setPlanning] = useState(false);

  const columns: Column<Remediation>[] = [
    { header: 'Plan', cell: (r) => <Link to={`/admin/remediations/${r.id}`}>{r.name}</Link> },
    { header: 'Status', cell: (r) => <RemediationStatusBadge status={r.status} /> },
    { header: 'Planned', cell: (r) => <>{formatDate(r.created)}<br /><span className="small muted">by {r.createdBy.name}</span></>, className: 'nowrap' },
    { header: 'Users', cell: (r) => String(r.counts.users) },
    { header: 'Items done', cell: (r) => `${r.counts.done} of ${r.counts.items}` },
  ];

  return (
    <>
      <PageHeader
        title="Remediation"
        description="After an incident: find the users it may have reached from the System Log, see exactly who and what a plan would change, have a second super admin approve it, then apply it."
        actions={canManage && !planning ? <button type="button" className="button-primary" onClick={() => setPlanning(true)}>Plan a remediation</button> : undefined}
      />
      {planning && <RemediationForm onCancel={() => setPlanning(false)} onPlanned={(plan) => navigate(`/admin/remediations/${plan.id}`)} />}
      <div className="card">
        <ErrorBanner message={error} />
        <DataTable caption="Remediation plans, newest first" columns={columns} rows={data ?? []} rowKey={(r) => r.id} loading={loading}
          empty={<EmptyState title="No remediation plans">A plan lists the users to remediate after an incident, and what to do to each.</EmptyState>} />
      </div>
    </>
  );
}
