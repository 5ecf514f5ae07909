import { useEffect, useRef, useState, type MouseEvent } from 'react';
import { call } from './api.ts';
import { ErrorBanner } from './admin/ui/Banner.tsx';
import { methodsOf } from './account/format.ts';
import { ProfileSection } from './account/ProfileSection.tsx';
import { SecuritySection } from './account/SecuritySection.tsx';
import { SessionsSection } from './account/SessionsSection.tsx';
import { messageOf, sessionGone, signInAgain, type Session } from './account/session.ts';
import './account/account.css';

/** The page's sections, each at its own address so that a link or a reload opens it. */
const SECTIONS = [
  { path: '/account', label: 'Profile', lead: 'Your name and how to reach you, as your organization\'s apps see them.' },
  { path: '/account/security', label: 'Security methods', lead: 'The passkeys, authenticator apps and recovery codes you sign in with.' },
  { path: '/account/sessions', label: 'Sessions', lead: 'Where your account is signed in now. Sign out of any device you do not recognize.' },
] as const;

type Section = (typeof SECTIONS)[number];

function sectionOf(pathname: string): Section {
  const path = pathname.replace(/\/+$/, '') || '/account';
  return SECTIONS.find((s) => s.path === path) ?? SECTIONS[0];
}

/** "My account": the signed-in user's profile, security methods and sessions. */
export function Account() {
  const [section, setSection] = useState<Section>(() => sectionOf(window.location.pathname));
  const [session, setSession] = useState<Session | null>(null);
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const navigated = useRef(false);

  useEffect(() => {
    call<Session>('GET', '/api/v1/sessions/me').then(setSession, (err: unknown) => {
      if (sessionGone(err)) signInAgain();
      else setError(messageOf(err));
    });
  }, []);

  useEffect(() => {
    const onPop = () => {
      navigated.current = true;
      setSection(sectionOf(window.location.pathname));
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  useEffect(() => {
    document.title = `${section.label} · My account · Bulwark`;
    // After moving between sections, a screen reader starts at the new section's heading.
    if (navigated.current) heading.current?.focus();
  }, [section]);

  const go = (e: MouseEvent<HTMLAnchorElement>, to: Section) => {
    // A modified click (new tab, new window) is the browser's to handle.
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || e.button !== 0) return;
    e.preventDefault();
    if (to.path !== window.location.pathname) window.history.pushState(null, '', to.path);
    navigated.current = true;
    setSection(to);
  };

  const signOut = async () => {
    await call('DELETE', '/api/v1/sessions/me').catch(() => undefined);
    window.location.assign('/signin');
  };

  return (
    <div className="account">
      <a href="#section-title" className="skip-link">Skip to content</a>
      <header className="account-topbar">
        <span className="brand">Bulwark</span>
        <span className="muted-inverse">My account</span>
        {session && (
          <span className="who">
            <span>Signed in as <strong data-testid="login">{session.login}</strong></span>
            <span className="who-methods">with <span data-testid="amr" data-amr={session.amr.join(', ')}>{methodsOf(session.amr)}</span></span>
          </span>
        )}
        {session && <button type="button" className="button-secondary" onClick={() => void signOut()}>Sign out</button>}
      </header>
      <div className="account-layout">
        <nav className="account-nav" aria-label="My account">
          <ul>
            {SECTIONS.map((s) => (
              <li key={s.path}>
                <a href={s.path} aria-current={s.path === section.path ? 'page' : undefined} onClick={(e) => go(e, s)}>{s.label}</a>
              </li>
            ))}
          </ul>
        </nav>
        <main className="account-main">
          <div className="section-head">
            <div>
              <h1 id="section-title" ref={heading} tabIndex={-1}>{section.label}</h1>
              <p className="section-lead">{section.lead}</p>
            </div>
          </div>
          <ErrorBanner message={error} />
          {error && <p><button type="button" className="button-primary" onClick={signInAgain}>Sign in again</button></p>}
          {session && section.path === '/account' && <ProfileSection />}
          {session && section.path === '/account/security' && <SecuritySection />}
          {session && section.path === '/account/sessions' && <SessionsSection />}
        </main>
      </div>
    </div>
  );
}
