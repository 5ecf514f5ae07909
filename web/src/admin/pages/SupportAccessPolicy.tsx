import { useRef, useState, type FormEvent } from 'react';
import { ACCESS_SCOPES, CASE_SEVERITIES, type PreApprovalPolicy, type PreApprovalRule } from '../../support-access.ts';
import { adminCall } from '../client.ts';
import { formatDate } from '../format.ts';
import { ErrorBanner, Notice } from '../ui/Banner.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { CheckboxGroup, FormActions, NumberField, TextField } from '../ui/Fields.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { Section } from '../ui/Page.tsx';
import { useLoad } from '../ui/useLoad.ts';
import { formatDuration, ProblemAlert, useAction } from './SupportAccessDialogs.tsx';

const POLICY = '/api/v1/support-access/policy';
/** Only read scopes can be pre-approved (the server refuses the others, and says why). */
const READ_SCOPES = ACCESS_SCOPES.filter((s) => !s.write);
const SEVERITY_OPTIONS = CASE_SEVERITIES.map((s) => ({ value: s, label: `Severity ${s.slice(3)}` }));
const labelOf = (scope: string) => ACCESS_SCOPES.find((s) => s.name === scope)?.label ?? scope;
const MAX_RULES = 20;

/**
 * The rules that approve some of support's requests as they arrive (docs/support-access.md, "Pre-approval
 * rules"): read scopes only, for cases of the severities named, up to a duration. The admins are told of each
 * approval all the same. Changing the rules is a protected action; read-only admins see them.
 */
export function PreApprovalRules({ canManage }: { canManage: boolean }) {
  const { data, error, loading, replace } = useLoad<PreApprovalPolicy>(POLICY);
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const rules = data?.rules ?? [];
  return (
    <Section
      title="Pre-approval rules"
      description="A request within a rule is approved as soon as support makes it, and you get an alert. Rules name read scopes only: a request that writes always waits for your decision."
      actions={canManage && data ? <button type="button" className="button-secondary" onClick={() => { setNotice(null); setEditing(true); }}>Edit rules</button> : undefined}
    >
      {notice && <Notice>{notice}</Notice>}
      <ErrorBanner message={error} />
      {rules.length === 0 && !loading ? (
        <EmptyState title="No pre-approval rules">Every request for access waits for an admin's decision.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="data-table support-table" aria-busy={loading}>
            <caption className="visually-hidden">Pre-approval rules, in the order they are tried</caption>
            <thead>
              <tr>{['Rule', 'Scopes', 'Cases', 'Up to'].map((h) => <th key={h} scope="col">{h}</th>)}</tr>
            </thead>
            <tbody>
              {rules.map((r) => (
                <tr key={r.name}>
                  <td className="strong">{r.name}</td>
                  <td><ul className="plain-list support-scope-list">{r.scopes.map((s) => <li key={s}>{labelOf(s)}</li>)}</ul></td>
                  <td>{r.severities.map((s) => `Severity ${s.slice(3)}`).join(', ')}</td>
                  <td className="nowrap">{formatDuration(r.maxDurationMinutes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data?.lastUpdated && <p className="hint">Last changed {formatDate(data.lastUpdated)}.</p>}
      {editing && data && (
        <RulesDialog policy={data} onClose={() => setEditing(false)}
          onDone={(saved) => { setEditing(false); replace(saved); setNotice(saved.rules.length === 0 ? 'The pre-approval rules were removed.' : 'The pre-approval rules were saved.'); }} />
      )}
    </Section>
  );
}

type Draft = PreApprovalRule & { key: number };

/** What keeps a draft from being saved, before the server is asked. */
function problemOf(rules: readonly Draft[]): string | null {
  const i = rules.findIndex((r) => !r.name.trim() || r.scopes.length === 0 || r.severities.length === 0 || Number.isNaN(r.maxDurationMinutes));
  return i < 0 ? null : `Rule ${i + 1} needs a name, at least one scope, at least one severity and a duration.`;
}

/** The rules as a form: each with its name, read scopes, case severities and longest duration; saved as a whole. */
function RulesDialog({ policy, onClose, onDone }: { policy: PreApprovalPolicy; onClose: () => void; onDone: (p: PreApprovalPolicy) => void }) {
  const next = useRef(policy.rules.length);
  const [rules, setRules] = useState<Draft[]>(() => policy.rules.map((r, key) => ({ ...r, key })));
  const { busy, error, run } = useAction();
  const problem = problemOf(rules);
  const change = (key: number, patch: Partial<PreApprovalRule>) => setRules((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const add = () => setRules((rs) => [...rs, { key: next.current++, name: '', scopes: ['okta.users.read'], severities: ['SEV1'], maxDurationMinutes: 120 }]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (problem) return;
    void run(async () => {
      const body = { rules: rules.map(({ key: _key, ...r }) => ({ ...r, scopes: READ_SCOPES.map((s) => s.name).filter((s) => r.scopes.includes(s)) })) };
      onDone(await adminCall<PreApprovalPolicy>('PUT', POLICY, body));
    });
  };
  const close = () => {
    if (!busy) onClose();
  };
  return (
    <Dialog title="Pre-approval rules" onClose={close} variant="wide">
      <form className="form" onSubmit={submit}>
        <p className="hint">Rules are tried in order; the first that covers a request approves it, for the time asked. Write scopes are never pre-approved: resetting factors or passwords always waits for an admin.</p>
        {rules.length === 0 && <p>No rules: every request waits for an admin.</p>}
        {rules.map((r, i) => (
          <fieldset key={r.key}>
            <legend>Rule {i + 1}{r.name.trim() ? `: ${r.name.trim()}` : ''}</legend>
            <TextField label="Name" value={r.name} onValue={(name) => change(r.key, { name })} maxLength={100} required disabled={busy} />
            <CheckboxGroup legend="Scopes it approves" options={READ_SCOPES.map((s) => ({ value: s.name, label: s.label }))} selected={r.scopes}
              onSelected={(scopes) => change(r.key, { scopes })} />
            <CheckboxGroup legend="For cases of severity" options={SEVERITY_OPTIONS} selected={r.severities} onSelected={(severities) => change(r.key, { severities })} />
            <NumberField label="Longest duration (minutes)" value={r.maxDurationMinutes} onValue={(maxDurationMinutes) => change(r.key, { maxDurationMinutes })} min={15} max={480} disabled={busy}
              hint="Longer requests wait for an admin." />
            <button type="button" className="button-danger-quiet button-small" onClick={() => setRules((rs) => rs.filter((x) => x.key !== r.key))} disabled={busy}>
              Remove rule {i + 1}
            </button>
          </fieldset>
        ))}
        {rules.length < MAX_RULES && <div><button type="button" className="button-secondary" onClick={add} disabled={busy}>Add a rule</button></div>}
        {problem && <ErrorBanner message={problem} />}
        <ProblemAlert error={error} />
        <FormActions>
          <button type="button" className="button-secondary" onClick={close} disabled={busy}>Cancel</button>
          <button type="submit" className="button-primary" disabled={busy || problem !== null} aria-busy={busy}>{busy ? 'Saving…' : 'Save rules'}</button>
        </FormActions>
      </form>
    </Dialog>
  );
}
