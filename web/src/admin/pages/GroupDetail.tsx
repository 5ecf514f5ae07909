import { useState } from 'react';
import { adminCall } from '../client.ts';
import { formatDate, userName, withQuery } from '../format.ts';
import { Link, navigate } from '../navigation.tsx';
import type { Group, User } from '../types.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { ConfirmButton } from '../ui/ConfirmButton.tsx';
import { DataTable, type Column } from '../ui/DataTable.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { FormActions } from '../ui/Fields.tsx';
import { Facts, PageHeader, Section, StatusBadge } from '../ui/Page.tsx';
import { Pager } from '../ui/Pager.tsx';
import { SearchPicker } from '../ui/SearchPicker.tsx';
import { useLoad } from '../ui/useLoad.ts';
import { usePagedList } from '../ui/usePagedList.ts';
import { useRunner } from '../ui/useRunner.ts';
import { GroupDialog } from './GroupDialog.tsx';

/** One group: its name and description, its members (adding and removing), and deleting it. */
export default function GroupDetail({ id }: { id: string }) {
  const base = `/api/v1/groups/${encodeURIComponent(id)}`;
  const { data: group, error, loading, replace } = useLoad<Group>(base);
  const members = usePagedList<User>(`${base}/users?limit=25`);
  const [editing, setEditing] = useState(false);
  const [adding, setAdding] = useState(false);
  const added = useRunner();
  const [addedIds, setAddedIds] = useState<ReadonlySet<string>>(new Set());
  const editable = group?.type === 'OKTA_GROUP';

  const columns: Column<User>[] = [
    { header: 'Name', cell: (u) => <Link to={`/admin/users/${u.id}`}>{userName(u.profile)}</Link> },
    { header: 'Username', cell: (u) => u.profile.login },
    { header: 'Status', cell: (u) => <StatusBadge status={u.status} /> },
    {
      header: 'Actions',
      className: 'actions-cell',
      cell: (u) => editable && (
        <ConfirmButton label={<>Remove<span className="visually-hidden"> {userName(u.profile)}</span></>} title={`Remove ${userName(u.profile)} from ${group.profile.name}?`} confirmLabel="Remove"
          onConfirm={async () => {
            await adminCall('DELETE', `${base}/users/${u.id}`);
            members.reload();
          }}>
          <p>They lose whatever this group gives them, such as sign-on rules that name it.</p>
        </ConfirmButton>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={group?.profile.name ?? (loading ? 'Group' : 'Group not found')}
        description={group?.profile.description}
        actions={editable && (
          <>
            <button type="button" className="button-secondary" onClick={() => setEditing(true)}>Edit</button>
            <ConfirmButton label="Delete group" title={`Delete ${group.profile.name}?`} confirmLabel="Delete group"
              onConfirm={async () => {
                await adminCall('DELETE', base);
                navigate('/admin/groups');
              }}>
              <p>The group is deleted and its members leave it; the people themselves stay. A group that a sign-on rule names cannot be deleted until the rule no longer does.</p>
            </ConfirmButton>
          </>
        )}
      >
        <nav aria-label="Breadcrumb" className="breadcrumb"><Link to="/admin/groups">Groups</Link></nav>
      </PageHeader>
      <ErrorBanner message={error} />
      {group && (
        <div className="stack">
          <Section title="Details">
            <Facts items={[
              ['Type', group.type === 'BUILT_IN' ? 'Built in (everyone in the tenant; it cannot be changed)' : 'Okta group'],
              ['Created', formatDate(group.created)],
              ['Last updated', formatDate(group.lastUpdated)],
              ['Members changed', formatDate(group.lastMembershipUpdated)],
              ['Group ID', <code key="id">{group.id}</code>],
            ]} />
          </Section>
          <Section title="Members" actions={editable && <button type="button" className="button-secondary" onClick={() => { setAddedIds(new Set()); setAdding(true); }}>Add members</button>}>
            <ErrorBanner message={members.error} />
            <DataTable caption="Members" columns={columns} rows={members.items} rowKey={(u) => u.id} loading={members.loading}
              empty={<EmptyState title="No members">{editable ? <>Add people with <strong>Add members</strong>.</> : null}</EmptyState>} />
            <Pager label="Member pages" page={members.page} hasPrevious={members.hasPrevious} hasNext={members.hasNext} onPrevious={members.previous} onNext={members.next} busy={members.loading} />
          </Section>
        </div>
      )}
      {editing && group && <GroupDialog group={group} onClose={() => setEditing(false)} onSaved={replace} />}
      {adding && (
        <Dialog title={`Add members to ${group?.profile.name ?? 'the group'}`} onClose={() => { setAdding(false); members.reload(); }}>
          <SearchPicker<User>
            label="Find people"
            placeholder="First name, last name or email"
            pathFor={(term) => withQuery('/api/v1/users', term ? { q: term, limit: 10 } : { limit: 10 })}
            describe={(u) => <>{userName(u.profile)} <span className="muted">{u.profile.login}</span></>}
            keyOf={(u) => u.id}
            pickLabel="Add"
            disabledKeys={addedIds}
            onPick={(u) => void added.run(async () => {
              await adminCall('PUT', `${base}/users/${u.id}`);
              setAddedIds((s) => new Set([...s, u.id]));
            })}
          />
          <ErrorBanner message={added.error} />
          <FormActions><button type="button" className="button-primary" onClick={() => { setAdding(false); members.reload(); }}>Done</button></FormActions>
        </Dialog>
      )}
    </>
  );
}
