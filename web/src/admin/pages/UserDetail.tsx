import { useCallback, useState } from 'react';
import { quoted, userName, withQuery } from '../format.ts';
import { Link } from '../navigation.tsx';
import type { AdminSession, User, VerifiedAction } from '../types.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { PageHeader, StatusBadge } from '../ui/Page.tsx';
import { useLoad } from '../ui/useLoad.ts';
import { UserFactorsCard } from './UserFactorsCard.tsx';
import { UserGroupsCard } from './UserGroupsCard.tsx';
import { UserProfileCard } from './UserProfileCard.tsx';
import { UserRolesCard } from './UserRolesCard.tsx';
import { UserStatusCard } from './UserStatusCard.tsx';
import { UserVerificationCard, type Ask } from './UserVerificationCard.tsx';

/**
 * One person: status and what may be done about it, the verification of the person a help-desk reset of an
 * admin needs, profile, groups, admin roles and factors. `viewer`: the signed-in admin.
 */
export default function UserDetail({ id, viewer }: { id: string; viewer: AdminSession }) {
  const { data: user, error, loading, reload, replace } = useLoad<User>(`/api/v1/users/${encodeURIComponent(id)}`);
  const [ask, setAsk] = useState<Ask | null>(null);
  // Bumped by every reset, which may have used a verification: the cards that show its effects read again.
  const [changes, setChanges] = useState(0);
  const changed = useCallback(() => setChanges((c) => c + 1), []);
  // After the refused reset's confirmation has closed, so the verification dialog opens from (and returns focus to) the page.
  const offer = useCallback((refused: VerifiedAction) => window.setTimeout(() => setAsk({ refused }), 0), []);
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
          <UserStatusCard user={user} onChanged={() => { reload(); changed(); }} onNeedsVerification={offer} />
          <UserVerificationCard user={user} viewer={viewer} ask={ask} onAsk={setAsk} onAskClosed={() => setAsk(null)} changes={changes}
            onReset={() => { reload(); changed(); }} />
          <UserProfileCard user={user} onSaved={replace} />
          <div className="grid-2">
            <UserGroupsCard userId={user.id} />
            <UserRolesCard userId={user.id} />
          </div>
          <UserFactorsCard userId={user.id} onNeedsVerification={offer} changes={changes} onReset={changed} />
        </div>
      )}
    </>
  );
}
