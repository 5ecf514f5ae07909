import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { SignIn } from './SignIn.tsx';
import './styles.css';

// The account page is several times the sign-in page: loaded only on /account, so signing in stays light.
const Account = lazy(() => import('./Account.tsx').then((m) => ({ default: m.Account })));

const page = window.location.pathname.startsWith('/account')
  ? <Suspense fallback={<p className="loading">Loading your account…</p>}><Account /></Suspense>
  : <SignIn />;

createRoot(document.getElementById('root') as HTMLElement).render(<StrictMode>{page}</StrictMode>);
