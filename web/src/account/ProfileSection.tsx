import { useId, useState, type FormEvent } from 'react';
import { ApiError, call } from '../api.ts';
import { ErrorBanner, Notice } from '../admin/ui/Banner.tsx';
import { dateTime } from './format.ts';
import { messageOf, sessionGone, signInAgain } from './session.ts';
import { useMine } from './useMine.ts';

type Profile = Record<string, unknown>;
type MyProfile = { createdAt: string; modifiedAt: string; profile: Profile };

/** The attributes the user may change themselves (the server's SELF_EDITABLE), in the form's order. */
const FIELDS = [
  { name: 'firstName', label: 'First name', required: true, autoComplete: 'given-name' },
  { name: 'lastName', label: 'Last name', required: true, autoComplete: 'family-name' },
  { name: 'middleName', label: 'Middle name', autoComplete: 'additional-name' },
  { name: 'displayName', label: 'Display name', hint: 'How apps name you, if not by your first and last name.' },
  { name: 'nickName', label: 'Nickname', autoComplete: 'nickname' },
  { name: 'honorificPrefix', label: 'Title before name', hint: 'For example Dr. or Ms.', autoComplete: 'honorific-prefix' },
  { name: 'honorificSuffix', label: 'Title after name', hint: 'For example PhD or Jr.', autoComplete: 'honorific-suffix' },
  { name: 'title', label: 'Job title', autoComplete: 'organization-title' },
  { name: 'primaryPhone', label: 'Phone', autoComplete: 'tel', type: 'tel' },
  { name: 'mobilePhone', label: 'Mobile phone', autoComplete: 'tel', type: 'tel' },
  { name: 'locale', label: 'Locale', hint: 'For example en_US.' },
  { name: 'preferredLanguage', label: 'Preferred language', hint: 'For example en.' },
  { name: 'timezone', label: 'Time zone', hint: 'For example Europe/London.' },
] as const;

type FieldName = (typeof FIELDS)[number]['name'];
type Draft = Record<FieldName, string>;

const text = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

function draftOf(profile: Profile): Draft {
  return Object.fromEntries(FIELDS.map((f) => [f.name, text(profile[f.name])])) as Draft;
}

/**
 * The server's causes by field: `profile.firstName: …` or `firstName: …`. What names no field of the form
 * (a change it refuses as a whole) is shown above it.
 */
function causesByField(err: ApiError): { fields: Partial<Record<FieldName, string>>; rest: string[] } {
  const fields: Partial<Record<FieldName, string>> = {};
  const rest: string[] = [];
  for (const cause of err.causes) {
    const m = /^(?:profile\.)?([A-Za-z]+): (.*)$/.exec(cause);
    const field = FIELDS.find((f) => f.name === m?.[1]);
    if (field && m) fields[field.name] = m[2] ?? cause;
    else rest.push(cause.replace(/^[A-Za-z.]+: /, ''));
  }
  return { fields, rest };
}

/** The user's profile: read, and edited in place. */
export function ProfileSection() {
  const mine = useMine<MyProfile>('/idp/myaccount/profile');
  const [draft, setDraft] = useState<Draft | null>(null);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const formId = useId();

  if (!mine.data) return mine.error ? <ErrorBanner message={mine.error} /> : <p className="muted" aria-busy="true">Loading your profile…</p>;
  const { profile } = mine.data;

  const edit = () => {
    setDraft(draftOf(profile));
    setErrors({});
    setFormError(null);
    setSaved(false);
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!draft) return;
    setBusy(true);
    setErrors({});
    setFormError(null);
    // The whole profile goes back, as MyAccount's PUT wants: what the form does not edit, as it came.
    const next: Profile = { ...profile };
    for (const f of FIELDS) next[f.name] = draft[f.name].trim() === '' ? null : draft[f.name].trim();
    try {
      mine.replace(await call<MyProfile>('PUT', '/idp/myaccount/profile', { profile: next }));
      setDraft(null);
      setSaved(true);
    } catch (err) {
      if (sessionGone(err)) return signInAgain();
      if (err instanceof ApiError && err.causes.length > 0) {
        const { fields, rest } = causesByField(err);
        setErrors(fields);
        setFormError(rest.length > 0 ? rest.join(' ') : 'Some fields need another look.');
      } else {
        setFormError(messageOf(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {saved && <Notice>Your profile was saved.</Notice>}
      <section className="panel" aria-labelledby={`${formId}-account`}>
        <h2 id={`${formId}-account`}>Sign-in details</h2>
        <dl className="facts">
          <div><dt>Username</dt><dd data-testid="profile-login">{text(profile['login'])}</dd></div>
          <div><dt>Primary email</dt><dd>{text(profile['email'])}</dd></div>
          <div><dt>Account created</dt><dd>{dateTime(mine.data.createdAt)}</dd></div>
          <div><dt>Profile last changed</dt><dd>{dateTime(mine.data.modifiedAt)}</dd></div>
        </dl>
        <p className="hint">Your username and email are managed by your organization. Ask an administrator to change them.</p>
      </section>
      <section className="panel" aria-labelledby={`${formId}-personal`}>
        <div className="section-head">
          <h2 id={`${formId}-personal`}>Personal information</h2>
          {!draft && <button type="button" className="button-secondary" onClick={edit}>Edit profile</button>}
        </div>
        {!draft && (
          <dl className="facts" data-testid="profile-view">
            {FIELDS.map((f) => (
              <div key={f.name}><dt>{f.label}</dt><dd>{text(profile[f.name]) || <span className="muted">Not set</span>}</dd></div>
            ))}
          </dl>
        )}
        {draft && (
          <form onSubmit={(e) => void save(e)} noValidate aria-describedby={formError ? `${formId}-error` : undefined}>
            {formError && <div id={`${formId}-error`}><ErrorBanner message={formError} /></div>}
            <div className="form-grid">
              {FIELDS.map((f) => {
                const id = `${formId}-${f.name}`;
                const error = errors[f.name];
                const hint = 'hint' in f ? f.hint : undefined;
                const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
                return (
                  <div className="field" key={f.name}>
                    <label htmlFor={id} className="field-label">{f.label}{'required' in f && <span className="muted"> (required)</span>}</label>
                    <input
                      id={id}
                      name={f.name}
                      type={'type' in f ? f.type : 'text'}
                      autoComplete={'autoComplete' in f ? f.autoComplete : 'off'}
                      value={draft[f.name]}
                      onChange={(e) => setDraft({ ...draft, [f.name]: e.target.value })}
                      aria-invalid={error ? true : undefined}
                      aria-required={'required' in f ? true : undefined}
                      aria-describedby={describedBy}
                    />
                    {hint && <span id={`${id}-hint`} className="hint">{hint}</span>}
                    {error && <span id={`${id}-error`} className="field-error">{error}</span>}
                  </div>
                );
              })}
            </div>
            <div className="form-actions">
              <button type="button" className="button-secondary" disabled={busy} onClick={() => setDraft(null)}>Cancel</button>
              <button type="submit" className="button-primary" disabled={busy} aria-busy={busy}>{busy ? 'Saving…' : 'Save profile'}</button>
            </div>
          </form>
        )}
      </section>
    </>
  );
}
