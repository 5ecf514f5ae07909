import { useState } from 'react';
import { formatDate, quoted, userName, withQuery } from '../format.ts';
import { Link, navigate } from '../navigation.tsx';
import { statusLabel } from '../status.ts';
import { USER_STATUSES, type User } from '../types.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { DataTable, type Column } from '../ui/DataTable.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { CheckboxField, SelectField, TextField } from '../ui/Fields.tsx';
import { PageHeader, StatusBadge } from '../ui/Page.tsx';
import { Pager } from '../ui/Pager.tsx';
import { useDebounced } from '../ui/useDebounced.ts';
import { usePagedList } from '../ui/usePagedList.ts';
import { AddUserDialog } from './AddUserDialog.tsx';

const PAGE_SIZE = 25;
const DEBOUNCE_MS = 150;
const STATUS_OPTIONS = [{ value: '', label: 'Any status' }, ...USER_STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))];

/**
 * Okta's `search` expression for what the admin typed: plain text is a prefix of the login, email or either
 * name; in advanced mode the text is the expression. Every status is listed (`status pr`) unless one is picked:
 * the plain list would leave deactivated users out.
 */
function userSearch(text: string, advanced: boolean, status: string): string {
  const term = text.trim();
  const match = term === '' ? null
    : advanced ? term
    : ['login', 'email', 'firstName', 'lastName'].map((a) => `profile.${a} sw ${quoted(term)}`).join(' or ');
  const byStatus = status === '' ? null : `status eq ${quoted(status)}`;
  if (match && byStatus) return `(${match}) and ${byStatus}`;
  return match ?? byStatus ?? 'status pr';
}

const columns: Column<User>[] = [
  { header: 'Name', cell: (u) => <Link to={`/admin/users/${u.id}`}>{userName(u.profile)}</Link> },
  { header: 'Username', cell: (u) => u.profile.login },
  { header: 'Status', cell: (u) => <StatusBadge status={u.status} /> },
  { header: 'Last updated', cell: (u) => formatDate(u.lastUpdated), className: 'nowrap' },
];

/** The directory: search as you type, by status, page by page; and adding a person. */
export default function Users() {
  const [text, setText] = useState('');
  const [advanced, setAdvanced] = useState(false);
  const [status, setStatus] = useState('');
  const [adding, setAdding] = useState(false);
  const typed = useDebounced(text, DEBOUNCE_MS);
  const list = usePagedList<User>(withQuery('/api/v1/users', { search: userSearch(typed, advanced, status), limit: PAGE_SIZE }));
  const searching = typed.trim() !== '' || status !== '';

  return (
    <>
      <PageHeader
        title="Users"
        description="Everyone in this tenant. Open a person to change their profile, status, groups, roles and factors."
        actions={<button type="button" className="button-primary" onClick={() => setAdding(true)}>Add user</button>}
      />
      <div className="card">
        <form className="toolbar" role="search" aria-label="Users" onSubmit={(e) => e.preventDefault()}>
          <TextField
            label={advanced ? 'Search expression' : 'Search'}
            className={advanced ? 'mono' : undefined}
            type="search"
            value={text}
            onValue={setText}
            placeholder={advanced ? 'profile.department eq "Sales" and status eq "ACTIVE"' : 'Name, username or email'}
            hint={advanced ? 'Okta search: eq, sw, co (names, email, login), gt, ge, lt, le, pr; and, or, parentheses.' : undefined}
            spellCheck={false}
            autoComplete="off"
          />
          <CheckboxField label="Advanced" checked={advanced} onChecked={setAdvanced} />
          <SelectField label="Status" value={status} onValue={setStatus} options={STATUS_OPTIONS} />
        </form>
        <ErrorBanner message={list.error} />
        <DataTable
          caption="Users"
          columns={columns}
          rows={list.items}
          rowKey={(u) => u.id}
          loading={list.loading}
          onOpen={(u) => navigate(`/admin/users/${u.id}`)}
          empty={searching
            ? <EmptyState title="No users match">Try fewer letters, another status, or {advanced ? 'a different expression' : 'the Advanced search'}.</EmptyState>
            : <EmptyState title="No users yet">Add the first person with <strong>Add user</strong>.</EmptyState>}
        />
        <Pager label="Users pages" page={list.page} hasPrevious={list.hasPrevious} hasNext={list.hasNext} onPrevious={list.previous} onNext={list.next} busy={list.loading} />
      </div>
      {adding && <AddUserDialog onClose={() => setAdding(false)} onCreated={list.reload} />}
    </>
  );
}
