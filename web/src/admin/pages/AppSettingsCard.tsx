import { useState, type ReactNode } from 'react';
import { formatDate } from '../format.ts';
import type { Application } from '../types.ts';
import { Notice } from '../ui/Banner.tsx';
import { CopyField } from '../ui/CopyField.tsx';
import { Facts, Section } from '../ui/Page.tsx';
import { AppDialog } from './AppDialog.tsx';
import { applicationTypeWords, methodWords } from './app-kind.ts';

function uriList(uris: readonly string[]): ReactNode {
  if (uris.length === 0) return 'None';
  return <ul className="uri-list">{uris.map((u) => <li key={u}><code>{u}</code></li>)}</ul>;
}

/**
 * The app's settings, and what its developer needs to configure it: the client ID, and the issuer with its
 * discovery document. The issuer is the tenant's origin (docs/oidc.md), the one this console is served from.
 */
export function AppSettingsCard({ app, onSaved }: { app: Application; onSaved: (app: Application) => void }) {
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const client = app.settings.oauthClient;
  const issuer = window.location.origin;
  return (
    <Section title="General settings" actions={<button type="button" className="button-secondary" onClick={() => { setSaved(false); setEditing(true); }}>Edit settings</button>}>
      {saved && <Notice>The settings were saved.</Notice>}
      <Facts items={[
        ['Sign-in method', methodWords(app)],
        ['Application type', applicationTypeWords(app)],
        ['Redirect URIs', uriList(client.redirect_uris)],
        ['Post-logout redirect URIs', uriList(client.post_logout_redirect_uris)],
        ['Refresh tokens', client.grant_types.includes('refresh_token') ? 'Allowed' : 'Not allowed'],
        ['Consent', client.consent_method === 'TRUSTED' ? 'First-party: no consent screen' : 'People are asked to allow the app'],
        ['Created', formatDate(app.created)],
        ['Last updated', formatDate(app.lastUpdated)],
      ]} />
      <div className="copy-fields">
        <CopyField label="Client ID" value={app.credentials.oauthClient.client_id} />
        <CopyField label="Issuer" value={issuer} />
        <CopyField label="Discovery URL" value={`${issuer}/.well-known/openid-configuration`} />
      </div>
      {editing && (
        <AppDialog app={app} onClose={() => setEditing(false)} onSaved={(a) => {
          onSaved(a);
          setEditing(false);
          setSaved(true);
        }} />
      )}
    </Section>
  );
}
