import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AdminApp } from './AdminApp.tsx';
import './admin.css';

createRoot(document.getElementById('root') as HTMLElement).render(<StrictMode><AdminApp /></StrictMode>);
