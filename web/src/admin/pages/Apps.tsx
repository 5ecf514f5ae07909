import { useState } from 'react';
import { formatDate, withQuery } from '../format.ts';
import { Link, navigate } from '../navigation.tsx';
import type { Application } from '../types.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { DataTable, type Column } from '../ui/DataTable.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { FormActions, TextField } from '../ui/Fields.tsx';
import { OneTimeValue } from '../ui/OneTimeValue.tsx';
import { PageHeader, StatusBadge } from '../ui/Page.tsx';
import { Pager } from '../ui/Pager.tsx';
import { useDebounced } from '../ui/useDebounced.ts';
import { usePagedList } from '../ui/usePagedList.ts';
import { AppDialog } from './AppDialog.tsx';
import { methodWords } from './app-kind.ts';

const PAGE_SIZE = 25;

const columns: Column<Application>[] = [
  { header: 'Name', cell: (a) => <Link to={`/admin/apps/${a.id}`}>{a.label}</Link> },
  { header: 'Client ID', cell: (a) => <code>{a.credentials.oauthClient.client_id}</code> },
  { header: 'Sign-in method', cell: methodWords },
  { header: 'Status', cell: (a) => <StatusBadge status={a.status} /> },
  { header: 'Last updated', cell: (a) => formatDate(a.lastUpdated), className: 'nowrap' },
];

/** The tenant's OpenID Connect apps, found by the start of their name (Okta's `q`), and registering one. */
export default function Apps() {
  const [term, setTerm] = useState('');
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<Application | null>(null);
  const typed = useDebounced(term.trim(), 150);
  const list = usePagedList<Application>(withQuery('/api/v1/apps', typed ? { q: typed, limit: 100 } : { limit: PAGE_SIZE }));

  const open = (a: Application) => navigate(`/admin/apps/${a.id}`);
  const saved = (a: Application) => {
    setCreating(false);
    // A client secret is in this answer only: shown once here, before the app's own page.
    if (a.credentials.oauthClient.client_secret) setCreated(a);
    else open(a);
  };

  return (
    <>
      <PageHeader
        title="Applications"
        description="OpenID Connect apps that people sign in to with Bulwark."
        actions={<button type="button" className="button-primary" onClick={() => setCreating(true)}>Add application</button>}
      />
      <div className="card">
        <form className="toolbar" role="search" aria-label="Applications" onSubmit={(e) => e.preventDefault()}>
          <TextField label="Search" type="search" value={term} onValue={setTerm} placeholder="Start of the app's name" autoComplete="off" />
        </form>
        <ErrorBanner message={list.error} />
        <DataTable
          caption="Applications"
          columns={columns}
          rows={list.items}
          rowKey={(a) => a.id}
          loading={list.loading}
          onOpen={open}
          empty={typed ? <EmptyState title="No applications match">No app's name starts with “{typed}”.</EmptyState> : <EmptyState title="No applications yet">Register one with <strong>Add application</strong>.</EmptyState>}
        />
        <Pager label="Application pages" page={list.page} hasPrevious={list.hasPrevious} hasNext={list.hasNext} onPrevious={list.previous} onNext={list.next} busy={list.loading} />
      </div>
      {creating && <AppDialog onClose={() => setCreating(false)} onSaved={saved} />}
      {created && (
        <Dialog title="Application added" onClose={() => open(created)}>
          <OneTimeValue label="Client secret" value={created.credentials.oauthClient.client_secret ?? ''}
            warning={`Copy the client secret of “${created.label}” now and put it in the app's configuration: it is shown only this once. You can generate another later.`} />
          <FormActions><button type="button" className="button-primary" onClick={() => open(created)}>I have copied it</button></FormActions>
        </Dialog>
      )}
    </>
  );
}
