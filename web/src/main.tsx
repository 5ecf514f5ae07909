import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Account } from './Account.tsx';
import { SignIn } from './SignIn.tsx';
import './styles.css';

const page = window.location.pathname.startsWith('/account') ? <Account /> : <SignIn />;

createRoot(document.getElementById('root') as HTMLElement).render(<StrictMode>{page}</StrictMode>);
