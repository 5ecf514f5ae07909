import { useState } from 'react';
import { adminCall } from '../client.ts';
import type { Zone } from '../types.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { ConfirmButton } from '../ui/ConfirmButton.tsx';
import { DataTable, type Column } from '../ui/DataTable.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { Section, StatusBadge } from '../ui/Page.tsx';
import { useRunner } from '../ui/useRunner.ts';
import { ZoneDialog } from './ZoneDialog.tsx';

function definition(z: Zone): string {
  if (z.type === 'IP') return (z.gateways ?? []).map((g) => g.value).join(', ') || 'No addresses';
  const parts = [];
  if (z.asns?.length) parts.push(`AS ${z.asns.join(', ')}`);
  if (z.locations?.length) parts.push(z.locations.map((l) => l.country).join(', '));
  return parts.join('; ') || 'Nothing';
}

/** Network zones: IP ranges and networks (AS numbers, countries) that sign-on rules name. */
export function ZonesCard({ zones, error, loading, reload }: { zones: Zone[] | null; error: string | null; loading: boolean; reload: () => void }) {
  const [creating, setCreating] = useState(false);
  const action = useRunner();

  const columns: Column<Zone>[] = [
    { header: 'Name', cell: (z) => z.name },
    { header: 'Type', cell: (z) => (z.type === 'IP' ? 'IP addresses' : 'Networks and countries') },
    { header: 'Status', cell: (z) => <StatusBadge status={z.status} /> },
    { header: 'Contains', cell: (z) => <span className="mono small">{definition(z)}</span> },
    {
      header: 'Actions',
      className: 'actions-cell',
      cell: (z) => (
        <div className="button-row tight">
          {'activate' in z._links && (
            <button type="button" className="button-secondary button-small" disabled={action.busy} onClick={() => void action.run(async () => {
              await adminCall('POST', `/api/v1/zones/${z.id}/lifecycle/activate`);
              reload();
            })}>Activate<span className="visually-hidden"> {z.name}</span></button>
          )}
          {'deactivate' in z._links && (
            <ConfirmButton className="button-danger-quiet button-small" label={<>Deactivate<span className="visually-hidden"> {z.name}</span></>} title={`Deactivate “${z.name}”?`} confirmLabel="Deactivate zone"
              onConfirm={async () => {
                await adminCall('POST', `/api/v1/zones/${z.id}/lifecycle/deactivate`);
                reload();
              }}>
              <p>An inactive zone matches no sign-in: rules that let people in from it stop doing so, and rules that keep people out of it stop doing so too.</p>
            </ConfirmButton>
          )}
          <ConfirmButton className="button-danger-quiet button-small" label={<>Delete<span className="visually-hidden"> {z.name}</span></>} title={`Delete “${z.name}”?`} confirmLabel="Delete zone"
            onConfirm={async () => {
              await adminCall('DELETE', `/api/v1/zones/${z.id}`);
              reload();
            }}>
            <p>A zone that a sign-on rule names cannot be deleted until the rule no longer names it.</p>
          </ConfirmButton>
        </div>
      ),
    },
  ];

  return (
    <Section title="Network zones" description="Sign-on rules allow or deny by zone." actions={<button type="button" className="button-primary" onClick={() => setCreating(true)}>Add zone</button>}>
      <ErrorBanner message={error ?? action.error} />
      <DataTable caption="Network zones" columns={columns} rows={zones ?? []} rowKey={(z) => z.id} loading={loading && zones === null}
        empty={<EmptyState title="No network zones">Add one to allow or deny sign-ins by where they come from.</EmptyState>} />
      {creating && <ZoneDialog onClose={() => setCreating(false)} onSaved={() => { setCreating(false); reload(); }} />}
    </Section>
  );
}
