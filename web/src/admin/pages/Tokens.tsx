import { useState, type FormEvent } from 'react';
import { adminCall } from '../client.ts';
import { formatDate, userName } from '../format.ts';
import { Link } from '../navigation.tsx';
import type { ApiToken, User } from '../types.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { ConfirmButton } from '../ui/ConfirmButton.tsx';
import { DataTable, type Column } from '../ui/DataTable.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { FormActions, TextField } from '../ui/Fields.tsx';
import { OneTimeValue } from '../ui/OneTimeValue.tsx';
import { PageHeader } from '../ui/Page.tsx';
import { useLoad } from '../ui/useLoad.ts';
import { useNames } from '../ui/useNames.ts';
import { useRunner } from '../ui/useRunner.ts';

/** SSWS API tokens: each acts as the admin who created it. Listing, creating (the value shown once) and revoking. */
export default function Tokens() {
  const { data, error, loading, reload } = useLoad<ApiToken[]>('/api/v1/api-tokens');
  const [creating, setCreating] = useState(false);
  const owners = useNames<User>('/api/v1/users', (data ?? []).map((t) => t.userId), (u) => userName(u.profile));

  const columns: Column<ApiToken>[] = [
    { header: 'Name', cell: (t) => t.name },
    { header: 'Owner', cell: (t) => <Link to={`/admin/users/${t.userId}`}>{owners.get(t.userId) ?? t.userId}</Link> },
    { header: 'Created', cell: (t) => formatDate(t.created), className: 'nowrap' },
    { header: 'Last used', cell: (t) => formatDate(t.lastUsed, 'Never'), className: 'nowrap' },
    { header: 'Expires', cell: (t) => formatDate(t.expiresAt, 'Never'), className: 'nowrap' },
    {
      header: 'Actions',
      className: 'actions-cell',
      cell: (t) => (
        <ConfirmButton label={<>Revoke<span className="visually-hidden"> {t.name}</span></>} title={`Revoke “${t.name}”?`} confirmLabel="Revoke token"
          onConfirm={async () => {
            await adminCall('DELETE', `/api/v1/api-tokens/${t.id}`);
            reload();
          }}>
          <p>Anything still using this token is refused from now on. This cannot be undone.</p>
        </ConfirmButton>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="API tokens"
        description="Tokens for the management API (Authorization: SSWS …). A token acts with the roles of the admin who created it."
        actions={<button type="button" className="button-primary" onClick={() => setCreating(true)}>Create token</button>}
      />
      <div className="card">
        <ErrorBanner message={error} />
        <DataTable caption="API tokens" columns={columns} rows={data ?? []} rowKey={(t) => t.id} loading={loading}
          empty={<EmptyState title="No API tokens">Create one for a script or an integration with <strong>Create token</strong>.</EmptyState>} />
      </div>
      {creating && <CreateTokenDialog onClose={() => setCreating(false)} onCreated={reload} />}
    </>
  );
}

function CreateTokenDialog({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [value, setValue] = useState<string | null>(null);
  const { busy, error, run } = useRunner();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const created = await adminCall<ApiToken>('POST', '/api/v1/api-tokens', { name: name.trim() });
      setValue(created.token ?? null);
      onCreated();
    });
  };
  if (value !== null) {
    return (
      <Dialog title="Token created" onClose={onClose}>
        <OneTimeValue label={`Token “${name.trim()}”`} value={value} warning="Copy the token now and keep it somewhere safe: it is shown only this once. Anyone holding it can call the API as you." />
        <FormActions><button type="button" className="button-primary" onClick={onClose}>I have copied it</button></FormActions>
      </Dialog>
    );
  }
  return (
    <Dialog title="Create token" onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <TextField label="Name" value={name} onValue={setName} required maxLength={100} hint="What uses the token, so you know which to revoke later." autoComplete="off" />
        <ErrorBanner message={error} />
        <FormActions>
          <button type="button" className="button-secondary" onClick={onClose} disabled={busy}>Cancel</button>
          <button type="submit" className="button-primary" disabled={busy}>Create token</button>
        </FormActions>
      </form>
    </Dialog>
  );
}
