import { useState } from 'react';
import { adminCall } from '../client.ts';
import { formatDate } from '../format.ts';
import type { ClientSecret } from '../types.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { ConfirmButton } from '../ui/ConfirmButton.tsx';
import { DataTable, type Column } from '../ui/DataTable.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { FormActions } from '../ui/Fields.tsx';
import { OneTimeValue } from '../ui/OneTimeValue.tsx';
import { Section, StatusBadge } from '../ui/Page.tsx';
import { useLoad } from '../ui/useLoad.ts';
import { useRunner } from '../ui/useRunner.ts';

/**
 * The app's client secrets, known here by their last four characters. Rotation as in Okta: generate a second
 * secret (shown once), move the app to it, deactivate the old one, then delete it. At most two are active.
 */
export function AppSecretsCard({ appId }: { appId: string }) {
  const base = `/api/v1/apps/${appId}/credentials/secrets`;
  const { data, error, loading, reload } = useLoad<ClientSecret[]>(base);
  const generate = useRunner();
  const [created, setCreated] = useState<string | null>(null);

  const name = (s: ClientSecret) => `the secret ending ${s.client_secret_hint}`;
  const columns: Column<ClientSecret>[] = [
    { header: 'Secret', cell: (s) => <><span className="visually-hidden">Ends with </span><code><span aria-hidden="true">••••</span>{s.client_secret_hint}</code></> },
    { header: 'Status', cell: (s) => <StatusBadge status={s.status} /> },
    { header: 'Created', cell: (s) => formatDate(s.created), className: 'nowrap' },
    {
      header: 'Actions',
      className: 'actions-cell',
      cell: (s) => (
        <div className="button-row tight">
          {s.status === 'ACTIVE' ? (
            <ConfirmButton label={<>Deactivate<span className="visually-hidden"> {name(s)}</span></>} title={`Deactivate ${name(s)}?`} confirmLabel="Deactivate"
              onConfirm={async () => {
                await adminCall('POST', `${base}/${s.id}/lifecycle/deactivate`);
                reload();
              }}>
              <p>The app can no longer get tokens with this secret. Make sure it uses another one first.</p>
            </ConfirmButton>
          ) : (
            <>
              <ConfirmButton label={<>Activate<span className="visually-hidden"> {name(s)}</span></>} title={`Activate ${name(s)}?`} confirmLabel="Activate" danger={false}
                onConfirm={async () => {
                  await adminCall('POST', `${base}/${s.id}/lifecycle/activate`);
                  reload();
                }}>
                <p>Whoever holds this secret can get tokens as the app again.</p>
              </ConfirmButton>
              <ConfirmButton label={<>Delete<span className="visually-hidden"> {name(s)}</span></>} title={`Delete ${name(s)}?`} confirmLabel="Delete secret"
                onConfirm={async () => {
                  await adminCall('DELETE', `${base}/${s.id}`);
                  reload();
                }}>
                <p>The secret is removed for good. This cannot be undone.</p>
              </ConfirmButton>
            </>
          )}
        </div>
      ),
    },
  ];

  const create = () => void generate.run(async () => {
    const secret = await adminCall<ClientSecret>('POST', base, {});
    setCreated(secret.client_secret ?? null);
    reload();
  });

  return (
    <Section title="Client secrets" description="The app proves itself with one of these when it gets tokens. Rotate by generating a new one, then deactivating the old."
      actions={<button type="button" className="button-secondary" onClick={create} disabled={generate.busy}>Generate new secret</button>}>
      <ErrorBanner message={error ?? generate.error} />
      <DataTable caption="Client secrets" columns={columns} rows={data ?? []} rowKey={(s) => s.id} loading={loading}
        empty={<EmptyState title="No client secrets">The app cannot get tokens until you generate one.</EmptyState>} />
      {created !== null && (
        <Dialog title="New client secret" onClose={() => setCreated(null)}>
          <OneTimeValue label="Client secret" value={created} warning="Copy the secret now and put it in the app's configuration: it is shown only this once." />
          <FormActions><button type="button" className="button-primary" onClick={() => setCreated(null)}>I have copied it</button></FormActions>
        </Dialog>
      )}
    </Section>
  );
}
