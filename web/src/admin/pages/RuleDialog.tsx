import { useState, type FormEvent } from 'react';
import { adminCall } from '../client.ts';
import type { SignOnRule, Zone } from '../types.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { CheckboxField, CheckboxGroup, FormActions, NumberField, SelectField, TextField } from '../ui/Fields.tsx';
import { useRunner } from '../ui/useRunner.ts';
import { GroupListField } from './GroupListField.tsx';
import { APPS } from './rule-summary.ts';

/** Okta caps a session at 90 days; so does Bulwark (src/policy/sign-on-rules.ts). */
const MAX_MINUTES = 90 * 24 * 60;
const MAX_RULES = 50;

type Draft = {
  name: string;
  priority: number;
  apps: string[];
  groupsIn: string[];
  groupsOut: string[];
  connection: 'ANYWHERE' | 'ZONE';
  zonesIn: string[];
  zonesOut: string[];
  access: 'ALLOW' | 'DENY';
  requireFactor: boolean;
  passkey: boolean;
  promptMode: 'ALWAYS' | 'SESSION';
  factorLifetime: number;
  idle: number;
  lifetime: number;
};

function draftOf(rule: SignOnRule | null, ruleCount: number): Draft {
  const c = rule?.conditions;
  const a = rule?.actions.signon;
  return {
    name: rule?.name ?? '',
    // A new rule goes just before the default rule, which stays last.
    priority: rule?.priority ?? Math.max(1, ruleCount),
    apps: [...(c?.app.include ?? [])],
    groupsIn: [...(c?.people.groups.include ?? [])],
    groupsOut: [...(c?.people.groups.exclude ?? [])],
    connection: c?.network.connection ?? 'ANYWHERE',
    zonesIn: [...(c?.network.include ?? [])],
    zonesOut: [...(c?.network.exclude ?? [])],
    access: a?.access ?? 'ALLOW',
    requireFactor: a?.requireFactor ?? true,
    passkey: a?.phishingResistant === 'REQUIRED',
    promptMode: a?.factorPromptMode ?? 'SESSION',
    factorLifetime: a?.factorLifetime ?? 720,
    idle: a?.session.maxSessionIdleMinutes ?? 120,
    lifetime: a?.session.maxSessionLifetimeMinutes ?? 720,
  };
}

/**
 * The rule as it goes back to the server: the original with the form's fields laid over it, so fields this
 * form does not show (users named in the conditions, app exclusions, anything newer) are kept as they were.
 */
function bodyOf(rule: SignOnRule | null, d: Draft): Record<string, unknown> {
  const c = rule?.conditions;
  const a = rule?.actions.signon;
  return {
    ...(rule ?? { type: 'SIGN_ON', status: 'ACTIVE' }),
    name: d.name.trim(),
    priority: d.priority,
    conditions: {
      ...c,
      app: { include: d.apps, exclude: c?.app.exclude ?? [] },
      people: { ...c?.people, groups: { include: d.groupsIn, exclude: d.groupsOut }, users: c?.people.users ?? { include: [], exclude: [] } },
      network: d.connection === 'ANYWHERE' ? { connection: 'ANYWHERE', include: [], exclude: [] } : { connection: 'ZONE', include: d.zonesIn, exclude: d.zonesOut },
    },
    actions: {
      ...rule?.actions,
      signon: {
        ...a,
        access: d.access,
        requireFactor: d.access === 'ALLOW' && (d.requireFactor || d.passkey),
        phishingResistant: d.access === 'ALLOW' && d.passkey ? 'REQUIRED' : 'OPTIONAL',
        factorPromptMode: d.promptMode,
        factorLifetime: d.factorLifetime,
        session: { ...a?.session, maxSessionIdleMinutes: d.idle, maxSessionLifetimeMinutes: d.lifetime },
      },
    },
  };
}

/** Adds a sign-on rule, or edits one: the conditions it applies under and what it asks for. */
export function RuleDialog({ base, rule, ruleCount, zones, groupNames, onClose, onSaved }: {
  base: string;
  rule: SignOnRule | null;
  ruleCount: number;
  zones: readonly Zone[];
  groupNames: ReadonlyMap<string, string>;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [d, setDraft] = useState(() => draftOf(rule, ruleCount));
  const [names, setNames] = useState(() => new Map(groupNames));
  const { busy, error, run } = useRunner();
  const set = <K extends keyof Draft>(key: K) => (value: Draft[K]) => setDraft((x) => ({ ...x, [key]: value }));
  const addName = (id: string, name: string) => setNames((m) => new Map(m).set(id, name));
  const zoneOptions = zones.map((z) => ({ value: z.id, label: `${z.name}${z.status === 'ACTIVE' ? '' : ' (inactive)'}` }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await (rule ? adminCall('PUT', `${base}/${rule.id}`, bodyOf(rule, d)) : adminCall('POST', base, bodyOf(null, d)));
      onSaved();
    });
  };

  return (
    <Dialog title={rule ? `Edit rule “${rule.name}”` : 'Add sign-on rule'} onClose={onClose} variant="wide">
      <form className="form" onSubmit={submit}>
        <div className="form-row">
          <TextField label="Name" value={d.name} onValue={set('name')} required maxLength={255} autoComplete="off" />
          <NumberField label="Priority" value={d.priority} onValue={set('priority')} min={1} max={Math.min(MAX_RULES, Math.max(1, ruleCount + (rule ? 0 : 1)))} hint="1 is tried first." />
        </div>

        <h3>When</h3>
        <CheckboxGroup legend="Apps (none checked: every app)" options={APPS} selected={d.apps} onSelected={set('apps')} />
        <div className="form-row">
          <GroupListField legend="Groups included (none: everyone)" ids={d.groupsIn} names={names} onIds={set('groupsIn')} onName={addName} />
          <GroupListField legend="Groups excluded" ids={d.groupsOut} names={names} onIds={set('groupsOut')} onName={addName} />
        </div>
        {rule && rule.conditions.people.users.include.length + rule.conditions.people.users.exclude.length > 0 && (
          <p className="hint">This rule also names {rule.conditions.people.users.include.length + rule.conditions.people.users.exclude.length} users by id; they are kept as they are.</p>
        )}
        <SelectField label="Network" value={d.connection} onValue={set('connection')} options={[{ value: 'ANYWHERE', label: 'Anywhere' }, { value: 'ZONE', label: 'In or out of network zones' }]} />
        {d.connection === 'ZONE' && (
          <div className="form-row">
            <CheckboxGroup legend="In zones (none: anywhere not excluded)" options={[{ value: 'ALL_ZONES', label: 'Any zone' }, ...zoneOptions]} selected={d.zonesIn} onSelected={set('zonesIn')} />
            <CheckboxGroup legend="Not in zones" options={zoneOptions} selected={d.zonesOut} onSelected={set('zonesOut')} />
          </div>
        )}

        <h3>Then</h3>
        <SelectField label="Access" value={d.access} onValue={set('access')} options={[{ value: 'ALLOW', label: 'Allow' }, { value: 'DENY', label: 'Deny' }]} />
        {d.access === 'ALLOW' && (
          <>
            <CheckboxField label="Require a second factor" checked={d.requireFactor || d.passkey} disabled={d.passkey} onChecked={set('requireFactor')} />
            <CheckboxField label="Require a passkey (phishing-resistant)" checked={d.passkey} onChecked={set('passkey')} hint="Only a passkey answers this; a code or a password can be relayed by a phishing site. The admin console always requires one." />
            <div className="form-row">
              <SelectField label="Ask for the factor" value={d.promptMode} onValue={set('promptMode')} options={[{ value: 'SESSION', label: 'Once per session' }, { value: 'ALWAYS', label: 'At every sign-in' }]} />
              <NumberField label="Factor lifetime (minutes)" value={d.factorLifetime} onValue={set('factorLifetime')} min={1} max={MAX_MINUTES} hint="How old a session's factor check may be." />
            </div>
            <div className="form-row">
              <NumberField label="Session idle timeout (minutes)" value={d.idle} onValue={set('idle')} min={1} max={MAX_MINUTES} />
              <NumberField label="Session lifetime (minutes)" value={d.lifetime} onValue={set('lifetime')} min={1} max={MAX_MINUTES} hint="At least the idle timeout." />
            </div>
          </>
        )}
        <ErrorBanner message={error} />
        <FormActions>
          <button type="button" className="button-secondary" onClick={onClose} disabled={busy}>Cancel</button>
          <button type="submit" className="button-primary" disabled={busy}>{rule ? 'Save rule' : 'Add rule'}</button>
        </FormActions>
      </form>
    </Dialog>
  );
}
