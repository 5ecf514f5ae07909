import { useState, type FormEvent } from 'react';
import { adminCall } from '../client.ts';
import type { Application, OauthClientSettings } from '../types.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { CheckboxField, FormActions, SelectField, TextAreaField, TextField } from '../ui/Fields.tsx';
import { useRunner } from '../ui/useRunner.ts';
import { APP_KINDS, methodWords, type AppKind } from './app-kind.ts';

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');

/** The JWKS as typed, or why it is not one; the server checks each key itself (public, usable, strong enough). */
function parseJwks(text: string): { keys: Record<string, unknown>[] } | string {
  try {
    const parsed: unknown = JSON.parse(text);
    const keys = (parsed as { keys?: unknown } | null)?.keys;
    if (Array.isArray(keys) && keys.length > 0) return { keys: keys as Record<string, unknown>[] };
  } catch {
    // Answered below, with what the field expects.
  }
  return 'The JWKS must be JSON of the form {"keys": [ … ]} with at least one public key.';
}

/**
 * Registers an OpenID Connect app, or changes `app`'s label and settings (Okta's PUT, which replaces them as a
 * whole, so the fields this form does not show are sent back as they are). An app's kind stays what it was
 * created as. `onSaved` gets the server's answer, which carries a new app's first client secret.
 */
export function AppDialog({ app, onClose, onSaved }: { app?: Application; onClose: () => void; onSaved: (saved: Application) => void }) {
  const current = app?.settings.oauthClient;
  const [label, setLabel] = useState(app?.label ?? '');
  const [kind, setKind] = useState<AppKind>('secret');
  const [redirects, setRedirects] = useState(current?.redirect_uris.join('\n') ?? '');
  const [logouts, setLogouts] = useState(current?.post_logout_redirect_uris.join('\n') ?? '');
  const [refresh, setRefresh] = useState(current?.grant_types.includes('refresh_token') ?? false);
  const [firstParty, setFirstParty] = useState(current?.consent_method === 'TRUSTED');
  const [jwks, setJwks] = useState(current?.jwks ? JSON.stringify(current.jwks, null, 2) : '');
  const { busy, error, setError, run } = useRunner();
  const chosen = APP_KINDS.find((k) => k.value === kind)!;
  const method = app ? app.credentials.oauthClient.token_endpoint_auth_method : chosen.method;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const keys = method === 'private_key_jwt' ? parseJwks(jwks) : undefined;
    if (typeof keys === 'string') {
      setError(keys);
      return;
    }
    const oauthClient: OauthClientSettings = {
      ...current,
      application_type: current?.application_type ?? chosen.applicationType,
      redirect_uris: lines(redirects),
      post_logout_redirect_uris: lines(logouts),
      response_types: ['code'],
      grant_types: refresh ? ['authorization_code', 'refresh_token'] : ['authorization_code'],
      consent_method: firstParty ? 'TRUSTED' : 'REQUIRED',
      ...(keys ? { jwks: keys } : {}),
    };
    const body = {
      name: 'oidc_client',
      label: label.trim(),
      signOnMode: 'OPENID_CONNECT',
      // Sent on a change too: without it the server would read the default method, client_secret_basic.
      credentials: { oauthClient: { token_endpoint_auth_method: method, ...(app ? { autoKeyRotation: app.credentials.oauthClient.autoKeyRotation } : {}) } },
      settings: { oauthClient },
    };
    void run(async () => {
      const saved = app
        ? await adminCall<Application>('PUT', `/api/v1/apps/${app.id}`, body)
        : await adminCall<Application>('POST', '/api/v1/apps?activate=true', body);
      onSaved(saved);
    });
  };

  return (
    <Dialog title={app ? 'Edit application' : 'Add application'} onClose={onClose} variant="wide">
      <form className="form" onSubmit={submit}>
        <TextField label="Name" value={label} onValue={setLabel} required maxLength={100} pattern=".*\S.*" autoComplete="off" hint="What people see on the consent screen and what admins find the app by." />
        {app ? (
          <p className="hint">Sign-in method: {methodWords(app)}. It is fixed once the app exists; for another, add a new application.</p>
        ) : (
          <SelectField label="Application type" value={kind} onValue={setKind} options={APP_KINDS}
            hint="A web app keeps a secret on its server. A single-page or native app cannot, so it proves itself with PKCE instead. private_key_jwt signs with a key only the app holds." />
        )}
        {method === 'private_key_jwt' && (
          <TextAreaField label="Public keys (JWKS)" value={jwks} onValue={setJwks} required rows={6} className="mono" spellCheck={false}
            hint={<>The app's public keys as a JSON Web Key Set: <code>{'{"keys": [ … ]}'}</code>. Never paste a private key.</>} />
        )}
        <TextAreaField label="Redirect URIs" value={redirects} onValue={setRedirects} required rows={3} spellCheck={false}
          hint={(current?.application_type ?? chosen.applicationType) === 'native'
            ? 'One per line. Where sign-in sends people back with a code: the app\'s own scheme in reverse domain notation (com.example.app:/callback), https, or http on localhost.'
            : 'One per line. Where sign-in sends people back with a code: https, or http only on localhost.'} />
        <TextAreaField label="Post-logout redirect URIs" value={logouts} onValue={setLogouts} rows={2} spellCheck={false}
          hint="One per line, optional. Where people may be sent after signing out." />
        <CheckboxField label="Refresh tokens" checked={refresh} onChecked={setRefresh}
          hint="The app may keep people signed in by getting new tokens without them (the refresh_token grant)." />
        <CheckboxField label="First-party app (no consent screen)" checked={firstParty} onChecked={setFirstParty}
          hint="For your organization's own apps: people are not asked to allow the app to see their profile. Leave it off for an app someone else makes." />
        <ErrorBanner message={error} />
        <FormActions>
          <button type="button" className="button-secondary" onClick={onClose} disabled={busy}>Cancel</button>
          <button type="submit" className="button-primary" disabled={busy}>{app ? 'Save' : 'Add application'}</button>
        </FormActions>
      </form>
    </Dialog>
  );
}
