import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { mayOpen } from './access.ts';
import { adminCall, adminFetch, onSessionEnded, SessionEnded } from './client.ts';
import { dropDeviceKey } from './device-key.ts';
import { messageOf } from './errors.ts';
import { Link, useLocation } from './navigation.tsx';
import { signInUrl } from './signin.ts';
import { StepUp } from './StepUp.tsx';
import type { AdminSession } from './types.ts';
import { SessionClock } from './SessionClock.tsx';

const Users = lazy(() => import('./pages/Users.tsx'));
const UserDetail = lazy(() => import('./pages/UserDetail.tsx'));
const Groups = lazy(() => import('./pages/Groups.tsx'));
const GroupDetail = lazy(() => import('./pages/GroupDetail.tsx'));
const Apps = lazy(() => import('./pages/Apps.tsx'));
const AppDetail = lazy(() => import('./pages/AppDetail.tsx'));
const Tokens = lazy(() => import('./pages/Tokens.tsx'));
const Policies = lazy(() => import('./pages/Policies.tsx'));
const Settings = lazy(() => import('./pages/Settings.tsx'));
const Alerts = lazy(() => import('./pages/Alerts.tsx'));
const Logs = lazy(() => import('./pages/Logs.tsx'));
const SupportAccess = lazy(() => import('./pages/SupportAccess.tsx'));
const SupportActivity = lazy(() => import('./pages/SupportActivity.tsx'));
const Investigations = lazy(() => import('./pages/Investigations.tsx'));
const InvestigationDetail = lazy(() => import('./pages/InvestigationDetail.tsx'));
const Remediations = lazy(() => import('./pages/Remediations.tsx'));
const RemediationDetail = lazy(() => import('./pages/RemediationDetail.tsx'));

const NAV = [
  { area: 'users', label: 'Users' },
  { area: 'groups', label: 'Groups' },
  { area: 'apps', label: 'Applications' },
  { area: 'policies', label: 'Policies' },
  { area: 'logs', label: 'System Log' },
  { area: 'alerts', label: 'Alerts' },
  { area: 'investigations', label: 'Investigations' },
  { area: 'remediations', label: 'Remediation' },
  { area: 'support-access', label: 'Support access' },
  { area: 'support-activity', label: 'Support activity' },
  { area: 'tokens', label: 'API tokens' },
  { area: 'settings', label: 'Settings' },
] as const;

/** The page for a path under /admin, and the navigation entry it belongs to; the session's permissions hide what the admin may not do. */
function route(path: string, session: AdminSession): { area: string; page: ReactNode } {
  const { permissions } = session;
  const [, , area = 'users', id] = path.replace(/\/+$/, '').split('/');
  const decoded = id === undefined ? undefined : decodeURIComponent(id);
  switch (area) {
    case 'users': return { area, page: decoded ? <UserDetail id={decoded} viewer={session} /> : <Users /> };
    case 'groups': return { area, page: decoded ? <GroupDetail id={decoded} /> : <Groups /> };
    case 'apps': return { area, page: decoded ? <AppDetail id={decoded} /> : <Apps /> };
    case 'tokens': return { area, page: <Tokens /> };
    case 'policies': return { area, page: <Policies /> };
    case 'settings': return { area, page: <Settings /> };
    case 'alerts': return { area, page: <Alerts canAttest={permissions.includes('users.manage')} /> };
    case 'logs': return { area, page: <Logs /> };
    case 'support-access': return { area, page: <SupportAccess canManage={permissions.includes('support.manage')} /> };
    case 'support-activity': return { area, page: <SupportActivity /> };
    case 'investigations': return { area, page: decoded ? <InvestigationDetail id={decoded} /> : <Investigations canManage={permissions.includes('investigations.manage')} /> };
    case 'remediations': return { area, page: decoded ? <RemediationDetail id={decoded} viewer={session} /> : <Remediations canManage={permissions.includes('remediations.manage')} /> };
    default: return { area: '', page: <NotFound /> };
  }
}

function NotFound() {
  return (
    <div className="card">
      <h1>Page not found</h1>
      <p>There is no admin console page at this address. <Link to="/admin/users">Go to Users</Link>.</p>
    </div>
  );
}

/**
 * The admin console: the signed-in admin's session (or the way to sign in), the header and navigation,
 * and the page for the current path. A protected action asks for the passkey again (StepUp); a session the
 * server ends says so and offers to sign in again.
 */
export function AdminApp() {
  const [session, setSession] = useState<AdminSession | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [ended, setEnded] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const { path } = useLocation();

  useEffect(() => {
    let current = true;
    adminCall<AdminSession>('GET', '/api/v1/admin/session').then(
      (s) => {
        if (!current) return;
        setSession(s);
        onSessionEnded((reason) => setEnded(reason));
      },
      (err: unknown) => {
        if (!current) return;
        if (err instanceof SessionEnded) window.location.assign(signInUrl());
        else setLoadError(messageOf(err));
      },
    );
    return () => {
      current = false;
    };
  }, [attempt]);

  const signOut = async () => {
    await adminFetch('DELETE', '/api/v1/admin/session').catch(() => undefined);
    await dropDeviceKey().catch(() => undefined);
    window.location.assign(signInUrl('/admin'));
  };

  if (!session) {
    return (
      <main className="splash">
        {loadError ? (
          <div role="alert" className="card">
            <h1>The admin console could not start</h1>
            <p>{loadError}</p>
            <button type="button" className="button-primary" onClick={() => { setLoadError(null); setAttempt((a) => a + 1); }}>Try again</button>
          </div>
        ) : (
          <p role="status">Loading the admin console…</p>
        )}
      </main>
    );
  }

  const { area, page } = route(path, session);
  return (
    <>
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="topbar">
        <div className="brand">
          <span className="brand-name">Bulwark</span>
          <span className="brand-app">Admin console</span>
          <span className="tenant" title={`Tenant ${session.tenant.slug}`}>{session.tenant.name}</span>
        </div>
        <div className="topbar-session">
          <span className="admin-name" title={session.user.login}>{session.user.displayName || session.user.login}</span>
          <SessionClock session={session} />
          <button type="button" className="button-secondary button-small" onClick={() => void signOut()}>Sign out</button>
        </div>
      </header>
      <div className="layout">
        <nav className="sidenav" aria-label="Admin console">
          <ul>
            {NAV.filter((n) => mayOpen(n.area, session.permissions)).map((n) => (
              <li key={n.area}>
                <Link to={`/admin/${n.area}`} aria-current={area === n.area ? 'page' : undefined}>{n.label}</Link>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className="content" tabIndex={-1}>
          {ended !== null ? (
            <div role="alert" className="card session-ended">
              <h1>Signed out</h1>
              <p>{ended}</p>
              <a className="button-primary" href={signInUrl()}>Sign in again</a>
            </div>
          ) : (
            <Suspense fallback={<p role="status" className="loading">Loading…</p>}>
              <div key={path} className="page">{page}</div>
            </Suspense>
          )}
        </main>
      </div>
      <StepUp onSession={setSession} />
    </>
  );
}
