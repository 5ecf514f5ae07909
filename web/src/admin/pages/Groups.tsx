import { useState } from 'react';
import { formatDate, withQuery } from '../format.ts';
import { Link, navigate } from '../navigation.tsx';
import type { Group } from '../types.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { DataTable, type Column } from '../ui/DataTable.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { TextField } from '../ui/Fields.tsx';
import { PageHeader } from '../ui/Page.tsx';
import { Pager } from '../ui/Pager.tsx';
import { useDebounced } from '../ui/useDebounced.ts';
import { usePagedList } from '../ui/usePagedList.ts';
import { GroupDialog } from './GroupDialog.tsx';

const PAGE_SIZE = 25;

const columns: Column<Group>[] = [
  { header: 'Name', cell: (g) => <Link to={`/admin/groups/${g.id}`}>{g.profile.name}</Link> },
  { header: 'Description', cell: (g) => g.profile.description ?? '' },
  { header: 'Type', cell: (g) => (g.type === 'BUILT_IN' ? 'Built in' : 'Okta group') },
  { header: 'Members changed', cell: (g) => formatDate(g.lastMembershipUpdated), className: 'nowrap' },
];

/** The tenant's groups, found by the start of their name (Okta's `q`, one page of matches), and creating one. */
export default function Groups() {
  const [term, setTerm] = useState('');
  const [creating, setCreating] = useState(false);
  const typed = useDebounced(term.trim(), 150);
  const list = usePagedList<Group>(withQuery('/api/v1/groups', typed ? { q: typed, limit: 100 } : { limit: PAGE_SIZE }));

  return (
    <>
      <PageHeader
        title="Groups"
        description="Groups gather people for sign-on rules and administration."
        actions={<button type="button" className="button-primary" onClick={() => setCreating(true)}>Add group</button>}
      />
      <div className="card">
        <form className="toolbar" role="search" aria-label="Groups" onSubmit={(e) => e.preventDefault()}>
          <TextField label="Search" type="search" value={term} onValue={setTerm} placeholder="Start of the group's name" autoComplete="off" />
        </form>
        <ErrorBanner message={list.error} />
        <DataTable
          caption="Groups"
          columns={columns}
          rows={list.items}
          rowKey={(g) => g.id}
          loading={list.loading}
          onOpen={(g) => navigate(`/admin/groups/${g.id}`)}
          empty={typed ? <EmptyState title="No groups match">No group's name starts with “{typed}”.</EmptyState> : <EmptyState title="No groups yet">Add one with <strong>Add group</strong>.</EmptyState>}
        />
        <Pager label="Groups pages" page={list.page} hasPrevious={list.hasPrevious} hasNext={list.hasNext} onPrevious={list.previous} onNext={list.next} busy={list.loading} />
      </div>
      {creating && <GroupDialog onClose={() => setCreating(false)} onSaved={(g) => navigate(`/admin/groups/${g.id}`)} />}
    </>
  );
}
