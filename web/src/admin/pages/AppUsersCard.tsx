import { useState } from 'react';
import { adminCall } from '../client.ts';
import { userName, withQuery } from '../format.ts';
import { Link } from '../navigation.tsx';
import type { AppUser, User } from '../types.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { ConfirmButton } from '../ui/ConfirmButton.tsx';
import { DataTable, type Column } from '../ui/DataTable.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { FormActions } from '../ui/Fields.tsx';
import { Section } from '../ui/Page.tsx';
import { Pager } from '../ui/Pager.tsx';
import { SearchPicker } from '../ui/SearchPicker.tsx';
import { useNames } from '../ui/useNames.ts';
import { usePagedList } from '../ui/usePagedList.ts';
import { useRunner } from '../ui/useRunner.ts';

/** The people assigned to the app directly (those in an assigned group may sign in too), assigning more and unassigning. */
export function AppUsersCard({ appId }: { appId: string }) {
  const base = `/api/v1/apps/${appId}/users`;
  const list = usePagedList<AppUser>(`${base}?limit=25`);
  const [adding, setAdding] = useState(false);
  const [addedIds, setAddedIds] = useState<ReadonlySet<string>>(new Set());
  const added = useRunner();
  // An AppUser carries only the login; the list reads better with people's names.
  const names = useNames<User>('/api/v1/users', list.items.map((u) => u.id), (u) => userName(u.profile));
  const nameOf = (u: AppUser) => names.get(u.id) ?? u.credentials.userName;
  const assigned = new Set([...list.items.map((u) => u.id), ...addedIds]);

  const columns: Column<AppUser>[] = [
    { header: 'Name', cell: (u) => <Link to={`/admin/users/${u.id}`}>{nameOf(u)}</Link> },
    { header: 'Username', cell: (u) => u.credentials.userName },
    {
      header: 'Actions',
      className: 'actions-cell',
      cell: (u) => (
        <ConfirmButton label={<>Unassign<span className="visually-hidden"> {nameOf(u)}</span></>} title={`Unassign ${nameOf(u)}?`} confirmLabel="Unassign"
          onConfirm={async () => {
            await adminCall('DELETE', `${base}/${u.id}`);
            list.reload();
          }}>
          <p>They can no longer sign in to the app, unless a group assigned to it includes them.</p>
        </ConfirmButton>
      ),
    },
  ];

  const close = () => {
    setAdding(false);
    list.reload();
  };

  return (
    <Section title="Assigned people" actions={<button type="button" className="button-secondary" onClick={() => { setAddedIds(new Set()); setAdding(true); }}>Assign people</button>}>
      <ErrorBanner message={list.error} />
      <DataTable caption="People assigned to this app" columns={columns} rows={list.items} rowKey={(u) => u.id} loading={list.loading}
        empty={<EmptyState title="Nobody assigned directly">Assign people with <strong>Assign people</strong>, or assign a group.</EmptyState>} />
      <Pager label="Assigned people pages" page={list.page} hasPrevious={list.hasPrevious} hasNext={list.hasNext} onPrevious={list.previous} onNext={list.next} busy={list.loading} />
      {adding && (
        <Dialog title="Assign people" onClose={close}>
          <SearchPicker<User>
            label="Find people"
            placeholder="First name, last name or email"
            pathFor={(term) => withQuery('/api/v1/users', term ? { q: term, limit: 10 } : { limit: 10 })}
            describe={(u) => <>{userName(u.profile)} <span className="muted">{u.profile.login}</span></>}
            keyOf={(u) => u.id}
            pickLabel="Assign"
            disabledKeys={assigned}
            onPick={(u) => void added.run(async () => {
              await adminCall('POST', base, { id: u.id, scope: 'USER' });
              setAddedIds((s) => new Set([...s, u.id]));
            })}
          />
          <ErrorBanner message={added.error} />
          <FormActions><button type="button" className="button-primary" onClick={close}>Done</button></FormActions>
        </Dialog>
      )}
    </Section>
  );
}
