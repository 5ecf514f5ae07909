import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { SignIn } from './SignIn.tsx';
import './styles.css';

// The account page is several times the sign-in page: loaded only on /account, so signing in stays light.
const Account = lazy(() => import('./Account.tsx').then((m) => ({ default: m.Account })));
// A verification link (docs/privileged-verification.md) is opened rarely, and by administrators only.
const Verify = lazy(() => import('./Verify.tsx').then((m) => ({ default: m.Verify })));

let page = <SignIn />;
if (window.location.pathname.startsWith('/account')) page = <Suspense fallback={<p className="loading">Loading your account…</p>}><Account /></Suspense>;
else if (window.location.pathname === '/verify') page = <Suspense fallback={<p className="loading">Loading…</p>}><Verify /></Suspense>;

createRoot(document.getElementById('root') as HTMLElement).render(<StrictMode>{page}</StrictMode>);
