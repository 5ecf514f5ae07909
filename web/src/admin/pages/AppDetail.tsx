import { quoted, withQuery } from '../format.ts';
import { Link } from '../navigation.tsx';
import type { Application } from '../types.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { PageHeader, StatusBadge } from '../ui/Page.tsx';
import { useLoad } from '../ui/useLoad.ts';
import { AppGroupsCard } from './AppGroupsCard.tsx';
import { AppSecretsCard } from './AppSecretsCard.tsx';
import { AppSettingsCard } from './AppSettingsCard.tsx';
import { AppStatusCard } from './AppStatusCard.tsx';
import { AppUsersCard } from './AppUsersCard.tsx';
import { usesSecrets } from './app-kind.ts';

/** One OpenID Connect app: its settings and where a developer finds the provider, status, client secrets, and who may sign in to it. */
export default function AppDetail({ id }: { id: string }) {
  const { data: app, error, loading, reload, replace } = useLoad<Application>(`/api/v1/apps/${encodeURIComponent(id)}`);
  const events = withQuery('/admin/logs', { filter: `target.id eq ${quoted(id)}` });
  return (
    <>
      <PageHeader
        title={app?.label ?? (loading ? 'Application' : 'Application not found')}
        description={app ? <>OpenID Connect app <StatusBadge status={app.status} /></> : undefined}
        actions={app && <Link className="button-secondary" to={events}>View in System Log</Link>}
      >
        <nav aria-label="Breadcrumb" className="breadcrumb"><Link to="/admin/apps">Applications</Link></nav>
      </PageHeader>
      <ErrorBanner message={error} />
      {loading && !app && <p role="status" className="loading">Loading…</p>}
      {app && (
        <div className="stack">
          <AppSettingsCard app={app} onSaved={replace} />
          <AppStatusCard app={app} onChanged={reload} />
          {usesSecrets(app) && <AppSecretsCard appId={app.id} />}
          <div className="grid-2">
            <AppUsersCard appId={app.id} />
            <AppGroupsCard appId={app.id} />
          </div>
        </div>
      )}
    </>
  );
}
