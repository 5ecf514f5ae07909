import { useState } from 'react';
import { adminCall } from '../client.ts';
import { withQuery } from '../format.ts';
import { Link } from '../navigation.tsx';
import type { AppGroup, Group } from '../types.ts';
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

/** The groups assigned to the app (everyone in one may sign in to it), assigning more and unassigning. */
export function AppGroupsCard({ appId }: { appId: string }) {
  const base = `/api/v1/apps/${appId}/groups`;
  const list = usePagedList<AppGroup>(`${base}?limit=25`);
  const [adding, setAdding] = useState(false);
  const [addedIds, setAddedIds] = useState<ReadonlySet<string>>(new Set());
  const added = useRunner();
  // An assignment names its group by id only.
  const names = useNames<Group>('/api/v1/groups', list.items.map((g) => g.id), (g) => g.profile.name);
  const nameOf = (g: AppGroup) => names.get(g.id) ?? g.id;
  const assigned = new Set([...list.items.map((g) => g.id), ...addedIds]);

  const columns: Column<AppGroup>[] = [
    { header: 'Group', cell: (g) => <Link to={`/admin/groups/${g.id}`}>{nameOf(g)}</Link> },
    {
      header: 'Actions',
      className: 'actions-cell',
      cell: (g) => (
        <ConfirmButton label={<>Unassign<span className="visually-hidden"> {nameOf(g)}</span></>} title={`Unassign ${nameOf(g)}?`} confirmLabel="Unassign"
          onConfirm={async () => {
            await adminCall('DELETE', `${base}/${g.id}`);
            list.reload();
          }}>
          <p>Its members can no longer sign in to the app, unless they are assigned another way.</p>
        </ConfirmButton>
      ),
    },
  ];

  const close = () => {
    setAdding(false);
    list.reload();
  };

  return (
    <Section title="Assigned groups" actions={<button type="button" className="button-secondary" onClick={() => { setAddedIds(new Set()); setAdding(true); }}>Assign groups</button>}>
      <ErrorBanner message={list.error} />
      <DataTable caption="Groups assigned to this app" columns={columns} rows={list.items} rowKey={(g) => g.id} loading={list.loading}
        empty={<EmptyState title="No groups assigned">Assign one with <strong>Assign groups</strong>; Everyone opens the app to the whole tenant.</EmptyState>} />
      <Pager label="Assigned group pages" page={list.page} hasPrevious={list.hasPrevious} hasNext={list.hasNext} onPrevious={list.previous} onNext={list.next} busy={list.loading} />
      {adding && (
        <Dialog title="Assign groups" onClose={close}>
          <SearchPicker<Group>
            label="Find a group"
            placeholder="Group name"
            pathFor={(term) => withQuery('/api/v1/groups', term ? { q: term, limit: 10 } : { limit: 10 })}
            describe={(g) => g.profile.name}
            keyOf={(g) => g.id}
            pickLabel="Assign"
            disabledKeys={assigned}
            onPick={(g) => void added.run(async () => {
              await adminCall('PUT', `${base}/${g.id}`, {});
              setAddedIds((s) => new Set([...s, g.id]));
            })}
          />
          <ErrorBanner message={added.error} />
          <FormActions><button type="button" className="button-primary" onClick={close}>Done</button></FormActions>
        </Dialog>
      )}
    </Section>
  );
}
