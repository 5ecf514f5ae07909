import { useState } from 'react';
import { adminCall } from '../client.ts';
import type { SignOnRule, Zone } from '../types.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { ConfirmButton } from '../ui/ConfirmButton.tsx';
import { DataTable, type Column } from '../ui/DataTable.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { Section, StatusBadge } from '../ui/Page.tsx';
import { useRunner } from '../ui/useRunner.ts';
import { RuleDialog } from './RuleDialog.tsx';
import { conditionsSummary, factorSummary, minutes } from './rule-summary.ts';

/**
 * The sign-on policy's rules in the order they are tried: the first active rule whose conditions hold
 * decides. Rules are added, edited, moved, switched on and off, and deleted here; the two built-in rules
 * are edited but never deleted.
 */
export function SignOnRulesCard({ policyId, rules, error, reload, zones, groupNames }: {
  policyId: string | null;
  rules: SignOnRule[] | null;
  error: string | null;
  reload: () => void;
  zones: readonly Zone[];
  groupNames: ReadonlyMap<string, string>;
}) {
  const [editing, setEditing] = useState<SignOnRule | 'new' | null>(null);
  const action = useRunner();
  const base = `/api/v1/policies/${policyId ?? ''}/rules`;
  const ordered = [...(rules ?? [])].sort((a, b) => a.priority - b.priority);
  // The server keeps the default rule last, whatever priorities say: nothing moves below it.
  const defaultRule = ordered.at(-1);

  const change = (work: () => Promise<unknown>) => void action.run(async () => {
    await work();
    reload();
  });
  const move = (rule: SignOnRule, by: -1 | 1) => change(() => adminCall('PUT', `${base}/${rule.id}`, { ...rule, priority: rule.priority + by }));
  const lifecycle = (rule: SignOnRule, op: 'activate' | 'deactivate') => change(() => adminCall('POST', `${base}/${rule.id}/lifecycle/${op}`));

  const columns: Column<SignOnRule>[] = [
    { header: 'Priority', cell: (r) => r.priority, className: 'numeric' },
    {
      header: 'Rule',
      cell: (r) => (
        <>
          <button type="button" className="link-button strong" onClick={() => setEditing(r)}>{r.name}</button>
          {r.system && <span className="muted small"> Built in</span>}
        </>
      ),
    },
    { header: 'Status', cell: (r) => <StatusBadge status={r.status} /> },
    {
      header: 'When',
      className: 'conditions',
      cell: (r) => {
        const c = conditionsSummary(r, zones, groupNames);
        return <ul className="plain-list small"><li>Apps: {c.apps}</li><li>People: {c.people}</li><li>Network: {c.network}</li></ul>;
      },
    },
    { header: 'Access', cell: (r) => (r.actions.signon.access === 'ALLOW' ? 'Allow' : <strong>Deny</strong>) },
    { header: 'Factors', cell: factorSummary },
    {
      header: 'Session',
      cell: (r) => <ul className="plain-list"><li className="nowrap">{minutes(r.actions.signon.session.maxSessionIdleMinutes)} idle</li><li className="nowrap">{minutes(r.actions.signon.session.maxSessionLifetimeMinutes)} max</li></ul>,
    },
    {
      header: 'Actions',
      className: 'actions-cell',
      cell: (r) => {
        const i = ordered.indexOf(r);
        const movable = r !== defaultRule;
        return (
          <div className="button-row tight">
            {movable && i > 0 && <button type="button" className="button-secondary button-small" disabled={action.busy} onClick={() => move(r, -1)}>Up<span className="visually-hidden"> {r.name}</span></button>}
            {movable && i < ordered.length - 2 && <button type="button" className="button-secondary button-small" disabled={action.busy} onClick={() => move(r, 1)}>Down<span className="visually-hidden"> {r.name}</span></button>}
            {'activate' in r._links && <button type="button" className="button-secondary button-small" disabled={action.busy} onClick={() => lifecycle(r, 'activate')}>Activate<span className="visually-hidden"> {r.name}</span></button>}
            {'deactivate' in r._links && (
              <ConfirmButton className="button-danger-quiet button-small" label={<>Deactivate<span className="visually-hidden"> {r.name}</span></>} title={`Deactivate “${r.name}”?`} confirmLabel="Deactivate rule"
                onConfirm={async () => {
                  await adminCall('POST', `${base}/${r.id}/lifecycle/deactivate`);
                  reload();
                }}>
                <p>Sign-ins it decided fall through to the next rule that matches.</p>
              </ConfirmButton>
            )}
            {'DELETE' in allowOf(r) && (
              <ConfirmButton className="button-danger-quiet button-small" label={<>Delete<span className="visually-hidden"> {r.name}</span></>} title={`Delete “${r.name}”?`} confirmLabel="Delete rule"
                onConfirm={async () => {
                  await adminCall('DELETE', `${base}/${r.id}`);
                  reload();
                }}>
                <p>Sign-ins it decided fall through to the next rule that matches. This cannot be undone.</p>
              </ConfirmButton>
            )}
          </div>
        );
      },
    },
  ];

  return (
    <Section
      title="Sign-on rules"
      description="Tried in order of priority; the first active rule whose conditions hold decides. The default rule, last, holds for everything."
      actions={policyId && <button type="button" className="button-primary" onClick={() => setEditing('new')}>Add rule</button>}
    >
      <ErrorBanner message={error ?? action.error} />
      <DataTable caption="Sign-on rules" columns={columns} rows={ordered} rowKey={(r) => r.id} loading={rules === null && error === null} empty={<EmptyState title="No rules" />} />
      {editing !== null && policyId && (
        <RuleDialog
          base={base}
          rule={editing === 'new' ? null : editing}
          ruleCount={ordered.length}
          zones={zones}
          groupNames={groupNames}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
    </Section>
  );
}

/** The methods a rule's `self` link allows: built-in rules cannot be deleted. */
function allowOf(rule: SignOnRule): Record<string, true> {
  return Object.fromEntries((rule._links['self']?.hints?.allow ?? []).map((m) => [m, true]));
}
