import { useState } from 'react';
import { adminCall } from '../client.ts';
import { navigate } from '../navigation.tsx';
import type { Application } from '../types.ts';
import { Notice } from '../ui/Banner.tsx';
import { ConfirmButton } from '../ui/ConfirmButton.tsx';
import { Facts, Section, StatusBadge } from '../ui/Page.tsx';

/** Whether people can sign in to the app, switching that, and deleting a deactivated app (the server refuses an active one). */
export function AppStatusCard({ app, onChanged }: { app: Application; onChanged: () => void }) {
  const [notice, setNotice] = useState<string | null>(null);
  const base = `/api/v1/apps/${app.id}`;
  const lifecycle = (op: 'activate' | 'deactivate', done: string) => async () => {
    setNotice(null);
    await adminCall('POST', `${base}/lifecycle/${op}`);
    setNotice(done);
    onChanged();
  };
  return (
    <Section title="Status">
      <Facts items={[
        ['Status', <StatusBadge key="status" status={app.status} />],
        ['App ID', <code key="id">{app.id}</code>],
      ]} />
      {notice && <Notice>{notice}</Notice>}
      <div className="button-row">
        {app.status === 'ACTIVE' ? (
          <ConfirmButton label="Deactivate" title={`Deactivate ${app.label}?`} confirmLabel="Deactivate" onConfirm={lifecycle('deactivate', `${app.label} was deactivated.`)}>
            <p>Nobody can sign in to the app until it is activated again. Its settings, secrets and assignments stay.</p>
          </ConfirmButton>
        ) : (
          <>
            <ConfirmButton label="Activate" title={`Activate ${app.label}?`} confirmLabel="Activate" danger={false} className="button-primary"
              onConfirm={lifecycle('activate', `${app.label} was activated.`)}>
              <p>The people and groups assigned to it can sign in to it again.</p>
            </ConfirmButton>
            <ConfirmButton label="Delete" title={`Delete ${app.label} for good?`} confirmLabel="Delete application"
              onConfirm={async () => {
                await adminCall('DELETE', base);
                navigate('/admin/apps');
              }}>
              <p>The app, its client secrets and its assignments are removed, and its client ID stops working. This cannot be undone; its System Log events stay. An app that a sign-on rule names cannot be deleted until the rule no longer does.</p>
            </ConfirmButton>
          </>
        )}
      </div>
    </Section>
  );
}
