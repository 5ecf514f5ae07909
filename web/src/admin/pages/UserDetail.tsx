import { quoted, userName, withQuery } from '../format.ts';
import { Link } from '../navigation.tsx';
import type { User } from '../types.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { PageHeader, StatusBadge } from '../ui/Page.tsx';
import { useLoad } from '../ui/useLoad.ts';
import { UserFactorsCard } from './UserFactorsCard.tsx';
import { UserGroupsCard } from './UserGroupsCard.tsx';
import { UserProfileCard } from './UserProfileCard.tsx';
import { UserRolesCard } from './UserRolesCard.tsx';
import { UserStatusCard } from './UserStatusCard.tsx';

/** One person: status and what may be done about it, profile, groups, admin roles and factors. */
export default function UserDetail({ id }: { id: string }) {
  const { data: user, error, loading, reload, replace } = useLoad<User>(`/api/v1/users/${encodeURIComponent(id)}`);
  const events = withQuery('/admin/logs', { filter: `actor.id eq ${quoted(id)} or target.id eq ${quoted(id)}` });
  return (
    <>
      <PageHeader
        title={user ? userName(user.profile) : loading ? 'User' : 'User not found'}
        description={user ? <>{user.profile.login} <StatusBadge status={user.status} /></> : undefined}
        actions={user && <Link className="button-secondary" to={events}>View in System Log</Link>}
      >
        <nav aria-label="Breadcrumb" className="breadcrumb"><Link to="/admin/users">Users</Link></nav>
      </PageHeader>
      <ErrorBanner message={error} />
      {loading && !user && <p role="status" className="loading">Loading…</p>}
      {user && (
        <div className="stack">
          <UserStatusCard user={user} onChanged={reload} />
          <UserProfileCard user={user} onSaved={replace} />
          <div className="grid-2">
            <UserGroupsCard userId={user.id} />
            <UserRolesCard userId={user.id} />
          </div>
          <UserFactorsCard userId={user.id} />
        </div>
      )}
    </>
  );
}
