import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { HelpCenter } from './HelpCenter.tsx';
import '../styles.css';
import './helpcenter.css';

createRoot(document.getElementById('root') as HTMLElement).render(<StrictMode><HelpCenter /></StrictMode>);
