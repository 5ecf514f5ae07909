import { useState, type FormEvent } from 'react';
import { adminCall } from '../client.ts';
import type { User } from '../types.ts';
import { ErrorBanner, Notice } from '../ui/Banner.tsx';
import { FormActions, TextField } from '../ui/Fields.tsx';
import { Facts, Section } from '../ui/Page.tsx';
import { useRunner } from '../ui/useRunner.ts';

/** Okta's standard attributes an admin edits here, in the order a form reads well; the rest are shown as they are. */
const EDITABLE = [
  ['firstName', 'First name'],
  ['lastName', 'Last name'],
  ['displayName', 'Display name'],
  ['login', 'Username'],
  ['email', 'Email'],
  ['secondEmail', 'Secondary email'],
  ['title', 'Title'],
  ['department', 'Department'],
  ['organization', 'Organization'],
  ['employeeNumber', 'Employee number'],
  ['manager', 'Manager'],
  ['mobilePhone', 'Mobile phone'],
  ['primaryPhone', 'Primary phone'],
  ['city', 'City'],
  ['countryCode', 'Country code'],
  ['timezone', 'Time zone'],
] as const;

type Attr = (typeof EDITABLE)[number][0];
const REQUIRED: ReadonlySet<string> = new Set(['login', 'email', 'firstName', 'lastName']);
const LABELS: Record<string, string> = Object.fromEntries(EDITABLE);

const text = (v: unknown) => (v === null || v === undefined ? '' : Array.isArray(v) ? v.join(', ') : String(v));

/** The profile, read, or edited and saved as a partial update of the attributes that changed. */
export function UserProfileCard({ user, onSaved }: { user: User; onSaved: (user: User) => void }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<Record<Attr, string>>(() => initial(user));
  const [saved, setSaved] = useState(false);
  const { busy, error, setError, run } = useRunner();

  const start = () => {
    setDraft(initial(user));
    setSaved(false);
    setError(null);
    setEditing(true);
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const changed: Record<string, string | null> = {};
    for (const [attr] of EDITABLE) {
      const value = draft[attr].trim();
      if (value !== text(user.profile[attr])) changed[attr] = value === '' && !REQUIRED.has(attr) ? null : value;
    }
    if (Object.keys(changed).length === 0) {
      setEditing(false);
      return;
    }
    const ok = await run(async () => onSaved(await adminCall<User>('POST', `/api/v1/users/${user.id}`, { profile: changed })));
    if (ok) {
      setEditing(false);
      setSaved(true);
    }
  };

  const shown = Object.entries(user.profile)
    .filter(([, v]) => text(v) !== '')
    .sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b));

  return (
    <Section title="Profile" actions={!editing && <button type="button" className="button-secondary" onClick={start}>Edit profile</button>}>
      {saved && <Notice>The profile was saved.</Notice>}
      {editing ? (
        <form className="form" onSubmit={(e) => void save(e)}>
          <div className="form-grid">
            {EDITABLE.map(([attr, label]) => (
              <TextField
                key={attr}
                label={label}
                value={draft[attr]}
                onValue={(v) => setDraft((d) => ({ ...d, [attr]: v }))}
                required={REQUIRED.has(attr)}
                type={attr === 'email' || attr === 'secondEmail' ? 'email' : 'text'}
                autoComplete="off"
              />
            ))}
          </div>
          <ErrorBanner message={error} />
          <FormActions>
            <button type="button" className="button-secondary" onClick={() => setEditing(false)} disabled={busy}>Cancel</button>
            <button type="submit" className="button-primary" disabled={busy}>{busy ? 'Saving…' : 'Save profile'}</button>
          </FormActions>
        </form>
      ) : (
        <Facts items={shown.map(([attr, v]) => [LABELS[attr] ?? attr, text(v)])} />
      )}
    </Section>
  );
}

function initial(user: User): Record<Attr, string> {
  return Object.fromEntries(EDITABLE.map(([attr]) => [attr, text(user.profile[attr])])) as Record<Attr, string>;
}

function order(attr: string): number {
  const i = EDITABLE.findIndex(([a]) => a === attr);
  return i === -1 ? EDITABLE.length : i;
}
