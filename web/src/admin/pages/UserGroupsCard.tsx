import { useState } from 'react';
import { adminCall } from '../client.ts';
import { withQuery } from '../format.ts';
import { Link } from '../navigation.tsx';
import type { Group } from '../types.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { ConfirmButton } from '../ui/ConfirmButton.tsx';
import { DataTable, type Column } from '../ui/DataTable.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { FormActions } from '../ui/Fields.tsx';
import { Section } from '../ui/Page.tsx';
import { Pager } from '../ui/Pager.tsx';
import { SearchPicker } from '../ui/SearchPicker.tsx';
import { usePagedList } from '../ui/usePagedList.ts';
import { useRunner } from '../ui/useRunner.ts';

/** The groups a user is in (Everyone included), adding them to another, and taking them out of one. */
export function UserGroupsCard({ userId }: { userId: string }) {
  const list = usePagedList<Group>(`/api/v1/users/${userId}/groups?limit=25`);
  const [adding, setAdding] = useState(false);
  const { error, run } = useRunner();
  const member = new Set(list.items.map((g) => g.id));

  const columns: Column<Group>[] = [
    { header: 'Group', cell: (g) => <Link to={`/admin/groups/${g.id}`}>{g.profile.name}</Link> },
    {
      header: 'Actions',
      className: 'actions-cell',
      cell: (g) => g.type === 'OKTA_GROUP' && (
        <ConfirmButton label={<>Remove<span className="visually-hidden"> from {g.profile.name}</span></>} title={`Remove from ${g.profile.name}?`} confirmLabel="Remove"
          onConfirm={async () => {
            await adminCall('DELETE', `/api/v1/groups/${g.id}/users/${userId}`);
            list.reload();
          }}>
          <p>They lose whatever the group gives them, such as sign-on rules that name it.</p>
        </ConfirmButton>
      ),
    },
  ];

  return (
    <Section title="Groups" actions={<button type="button" className="button-secondary" onClick={() => setAdding(true)}>Add to group</button>}>
      <ErrorBanner message={list.error} />
      <DataTable caption="Groups of this user" columns={columns} rows={list.items} rowKey={(g) => g.id} loading={list.loading} empty={<EmptyState title="In no group" />} />
      <Pager label="Group pages" page={list.page} hasPrevious={list.hasPrevious} hasNext={list.hasNext} onPrevious={list.previous} onNext={list.next} busy={list.loading} />
      {adding && (
        <Dialog title="Add to group" onClose={() => setAdding(false)}>
          <SearchPicker<Group>
            label="Find a group"
            placeholder="Group name"
            pathFor={(term) => withQuery('/api/v1/groups', term ? { q: term, limit: 10 } : { limit: 10 })}
            describe={(g) => g.profile.name}
            keyOf={(g) => g.id}
            pickLabel="Add"
            disabledKeys={member}
            onPick={(g) => void run(async () => {
              await adminCall('PUT', `/api/v1/groups/${g.id}/users/${userId}`);
              list.reload();
            })}
          />
          <ErrorBanner message={error} />
          <FormActions><button type="button" className="button-primary" onClick={() => setAdding(false)}>Done</button></FormActions>
        </Dialog>
      )}
    </Section>
  );
}
