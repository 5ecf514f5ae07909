import { useState } from 'react';
import { adminCall } from '../client.ts';
import { formatDate } from '../format.ts';
import { ROLE_TYPES, type Role } from '../types.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { ConfirmButton } from '../ui/ConfirmButton.tsx';
import { DataTable, type Column } from '../ui/DataTable.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { SelectField } from '../ui/Fields.tsx';
import { Section } from '../ui/Page.tsx';
import { useLoad } from '../ui/useLoad.ts';
import { useRunner } from '../ui/useRunner.ts';

const ROLE_LABELS: Record<string, string> = {
  SUPER_ADMIN: 'Super administrator',
  ORG_ADMIN: 'Organization administrator',
  HELP_DESK_ADMIN: 'Help desk administrator',
  READ_ONLY_ADMIN: 'Read-only administrator',
};

/** The user's admin roles: assigning one of Okta's standard roles and taking one away. */
export function UserRolesCard({ userId }: { userId: string }) {
  const base = `/api/v1/users/${userId}/roles`;
  const { data, error: loadError, loading, reload } = useLoad<Role[]>(base);
  const roles = data ?? [];
  const unassigned = ROLE_TYPES.filter((t) => !roles.some((r) => r.type === t));
  const [choice, setChoice] = useState<string>('');
  const { busy, error, run } = useRunner();
  const picked = unassigned.find((t) => t === choice) ?? unassigned[0];

  const columns: Column<Role>[] = [
    { header: 'Role', cell: (r) => r.label || ROLE_LABELS[r.type] || r.type },
    { header: 'Assigned', cell: (r) => formatDate(r.created), className: 'nowrap' },
    {
      header: 'Actions',
      className: 'actions-cell',
      cell: (r) => (
        <ConfirmButton label={<>Remove<span className="visually-hidden"> {r.label}</span></>} title={`Remove the ${r.label} role?`} confirmLabel="Remove role"
          onConfirm={async () => {
            await adminCall('DELETE', `${base}/${r.id}`);
            reload();
          }}>
          <p>They lose this role's access to the admin console and the management API at once.</p>
        </ConfirmButton>
      ),
    },
  ];

  // Roles the admin may not read (a help-desk admin) are unknown, not absent: no "not an administrator" then.
  if (loadError) {
    return (
      <Section title="Admin roles">
        <ErrorBanner message={loadError} />
      </Section>
    );
  }
  return (
    <Section title="Admin roles">
      <ErrorBanner message={error} />
      <DataTable caption="Admin roles of this user" columns={columns} rows={roles} rowKey={(r) => r.id} loading={loading} empty={<EmptyState title="No admin roles">This person is not an administrator.</EmptyState>} />
      {picked !== undefined && (
        <form className="inline-form" onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            await adminCall('POST', base, { type: picked });
            reload();
          });
        }}>
          <SelectField label="Role to assign" value={picked} onValue={setChoice} options={unassigned.map((t) => ({ value: t, label: ROLE_LABELS[t] ?? t }))} />
          <button type="submit" className="button-secondary" disabled={busy}>Assign role</button>
        </form>
      )}
    </Section>
  );
}
