import { useEffect, useState, type FormEvent } from 'react';
import { adminCall } from '../client.ts';
import { formatDate } from '../format.ts';
import type { PasswordPolicy, PasswordSettings } from '../types.ts';
import { ErrorBanner, Notice } from '../ui/Banner.tsx';
import { CheckboxField, FormActions, NumberField } from '../ui/Fields.tsx';
import { Section } from '../ui/Page.tsx';
import { useLoad } from '../ui/useLoad.ts';
import { useRunner } from '../ui/useRunner.ts';

/** The floors and ceilings the server enforces (src/policy/routes.ts). */
const MAX_PASSWORD_LENGTH = 256;

/** The password policy's settings: complexity, history and lockout, as one form saved with PUT. */
export function PasswordPolicyCard() {
  const { data, error: loadError, replace } = useLoad<PasswordPolicy[]>('/api/v1/policies?type=PASSWORD');
  const policy = data?.[0] ?? null;
  const [draft, setDraft] = useState<PasswordSettings | null>(null);
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useRunner();

  useEffect(() => {
    if (policy) setDraft(structuredClone(policy.settings.password));
  }, [policy]);

  if (!policy || !draft) {
    return (
      <Section title="Password policy">
        <ErrorBanner message={loadError} />
        {!loadError && <p role="status" className="loading">Loading…</p>}
      </Section>
    );
  }

  const complexity = <K extends keyof PasswordSettings['complexity']>(key: K, value: PasswordSettings['complexity'][K]) => {
    setSaved(false);
    setDraft({ ...draft, complexity: { ...draft.complexity, [key]: value } });
  };
  const bit = (key: 'minLowerCase' | 'minUpperCase' | 'minNumber' | 'minSymbol') => (on: boolean) => complexity(key, on ? 1 : 0);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const updated = await adminCall<PasswordPolicy>('PUT', `/api/v1/policies/${policy.id}`, { ...policy, settings: { password: draft } });
      replace([updated]);
      setSaved(true);
    });
  };

  return (
    <Section title="Password policy" description={`For everyone who signs in with a password. Last changed: ${formatDate(policy.lastUpdated, 'never (the defaults)')}.`}>
      <form className="form" onSubmit={submit}>
        <div className="form-columns">
          <fieldset>
            <legend>Complexity</legend>
            <NumberField label="Minimum length" value={draft.complexity.minLength} onValue={(v) => complexity('minLength', v)} min={8} max={MAX_PASSWORD_LENGTH} />
            <CheckboxField label="A lowercase letter" checked={draft.complexity.minLowerCase === 1} onChecked={bit('minLowerCase')} />
            <CheckboxField label="An uppercase letter" checked={draft.complexity.minUpperCase === 1} onChecked={bit('minUpperCase')} />
            <CheckboxField label="A number" checked={draft.complexity.minNumber === 1} onChecked={bit('minNumber')} />
            <CheckboxField label="A symbol" checked={draft.complexity.minSymbol === 1} onChecked={bit('minSymbol')} />
            <CheckboxField label="No part of the username" checked={draft.complexity.excludeUsername} onChecked={(v) => complexity('excludeUsername', v)} />
            <CheckboxField label="Not a common password" checked={draft.complexity.dictionary.common.exclude} onChecked={(v) => complexity('dictionary', { common: { exclude: v } })} hint="Refuses the 30,000 most common passwords." />
          </fieldset>
          <fieldset>
            <legend>History</legend>
            <NumberField label="Passwords remembered" value={draft.age.historyCount} onValue={(v) => { setSaved(false); setDraft({ ...draft, age: { historyCount: v } }); }} min={0} max={24} hint="A new password may not be one of these." />
          </fieldset>
          <fieldset>
            <legend>Lockout</legend>
            <NumberField label="Failed attempts before lockout" value={draft.lockout.maxAttempts} onValue={(v) => { setSaved(false); setDraft({ ...draft, lockout: { ...draft.lockout, maxAttempts: v } }); }} min={1} max={100} />
            <NumberField label="Unlock automatically after (minutes)" value={draft.lockout.autoUnlockMinutes} onValue={(v) => { setSaved(false); setDraft({ ...draft, lockout: { ...draft.lockout, autoUnlockMinutes: v } }); }} min={0} max={10080} hint="0: only an admin unlocks." />
          </fieldset>
        </div>
        {saved && <Notice>The password policy was saved.</Notice>}
        <ErrorBanner message={error} />
        <FormActions>
          <button type="button" className="button-secondary" disabled={busy} onClick={() => { setSaved(false); setDraft(structuredClone(policy.settings.password)); }}>Discard changes</button>
          <button type="submit" className="button-primary" disabled={busy}>Save password policy</button>
        </FormActions>
      </form>
    </Section>
  );
}
