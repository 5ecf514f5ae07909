import { useEffect, useState } from 'react';
import { adminCall, adminFetch, errorOf } from '../client.ts';
import { messageOf } from '../errors.ts';
import { formatDate } from '../format.ts';
import { Link } from '../navigation.tsx';
import { statusLabel } from '../status.ts';
import type { AdminSession } from '../types.ts';
import { ErrorBanner, Notice } from '../ui/Banner.tsx';
import { ConfirmButton } from '../ui/ConfirmButton.tsx';
import { Facts, PageHeader, Section } from '../ui/Page.tsx';
import { useLoad } from '../ui/useLoad.ts';
import { download } from './log-export.ts';
import { ACTION_LABELS, CRITERION_LABELS, ITEM_LABELS, RemediationStatusBadge, type Criteria, type Plan, type PlanUser } from './remediation.tsx';

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** While a plan is applied, it is read again this often: each item commits on its own, so the counts move. */
const PROGRESS_MS = 1000;

function criteriaWords(c: Criteria): string[] {
  const words: string[] = [];
  if (c.passwordOrFactorChange) words.push('a password reset or changed, or a factor changed');
  if (c.targetedBy) words.push(`acted on by ${c.targetedBy.actorIds.join(', ')}`);
  if (c.signedInFrom) words.push(`signed in from ${[...c.signedInFrom.ips, ...c.signedInFrom.cidrs, ...c.signedInFrom.asns.map((a) => `AS${a}`)].join(', ')}`);
  return words;
}

/** Why the dry run selected the user: each criterion, how many events, and the first ones. */
function Why({ user }: { user: PlanUser }) {
  return (
    <ul className="plain-list">
      {user.matched.map((c) => {
        const m = user.evidence[c];
        const first = m?.events[0];
        return (
          <li key={c}>
            <span>{CRITERION_LABELS[c] ?? c}</span>
            {m && <span className="small muted"> · {count(m.count, 'event', 'events')}{first ? `, first ${first.eventType} ${formatDate(first.published)}${first.ipAddress ? ` from ${first.ipAddress}` : ''}` : ''}</span>}
          </li>
        );
      })}
    </ul>
  );
}

function UserRows({ users }: { users: readonly PlanUser[] }) {
  return (
    <div className="table-wrap">
      <table className="data-table">
        <caption className="visually-hidden">The users of the plan, what selected them and what is done to each</caption>
        <thead>
          <tr>{['User', 'Status at the dry run', 'Admin roles', 'Why', 'Actions'].map((h) => <th key={h} scope="col">{h}</th>)}</tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td>{u.status === null ? <span>{u.login} <span className="small muted">(no longer a user)</span></span> : <Link to={`/admin/users/${u.id}`}>{u.login}</Link>}</td>
              <td>{u.status === null ? '—' : statusLabel(u.status)}</td>
              <td>{u.adminRoles.length > 0 ? u.adminRoles.join(', ') : '—'}</td>
              <td><Why user={u} /></td>
              <td>
                <ul className="plain-list">
                  {u.items.map((i) => (
                    <li key={i.action}>
                      {ACTION_LABELS[i.action] ?? i.action}: <span className={`badge badge-item-${i.state.toLowerCase()}`}>{ITEM_LABELS[i.state]}</span>
                      {i.reason && <span className="small muted"> {i.reason}</span>}
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * One plan: its criteria and where it stands, the dry run's users with what selected each and what is done to
 * them, and the steps its status allows: approve (a super admin other than its planner; a protected action),
 * apply or resume (a super admin; protected), cancel, and the final report.
 */
export default function RemediationDetail({ id, viewer }: { id: string; viewer: AdminSession }) {
  const path = `/api/v1/remediations/${encodeURIComponent(id)}`;
  const { data: plan, error, reload } = useLoad<Plan>(path);
  const [running, setRunning] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const canApply = viewer.permissions.includes('remediations.apply');
  const canManage = viewer.permissions.includes('remediations.manage');

  useEffect(() => {
    if (!running && plan?.status !== 'APPLYING') return undefined;
    const timer = window.setInterval(reload, PROGRESS_MS);
    return () => window.clearInterval(timer);
  }, [running, plan?.status, reload]);

  if (!plan) return <><PageHeader title="Remediation" /><ErrorBanner message={error} />{!error && <p role="status" className="loading">Loading…</p>}</>;

  const step = async (what: 'approve' | 'cancel', message: string) => {
    await adminCall('POST', `${path}/${what}`);
    setNotice(message);
    reload();
  };
  // The run goes on in the server whatever the page does; the page follows it by reading the plan again.
  const apply = async () => {
    setRunning(true);
    setFailure(null);
    try {
      await adminCall('POST', `${path}/apply`);
      setNotice('The plan was applied. The final report is ready.');
    } catch (err) {
      setFailure(messageOf(err));
    } finally {
      setRunning(false);
      reload();
    }
  };
  const report = async (format: 'csv' | 'json') => {
    setFailure(null);
    const res = await adminFetch('GET', `${path}/report?format=${format}`, undefined, undefined, format === 'csv' ? 'text/csv' : 'application/json');
    if (!res.ok) return setFailure(messageOf(await errorOf(res)));
    download(await res.blob(), format === 'csv' ? 'text/csv;charset=utf-8' : 'application/json', `remediation-${plan.id}.${format}`);
    return undefined;
  };

  const { counts } = plan;
  const finished = counts.done + counts.skipped + counts.failed;
  const ownPlan = plan.createdBy.id === viewer.user.id;
  const mayApprove = canApply && plan.status === 'PLANNED' && !ownPlan;
  const mayApply = canApply && (plan.status === 'APPROVED' || plan.status === 'APPLYING') && !running;
  const mayCancel = canManage && !['COMPLETED', 'CANCELLED'].includes(plan.status);

  return (
    <>
      <PageHeader title={plan.name} description="A remediation plan: who it selected from the System Log, and what is done to each of them.">
        <nav aria-label="Breadcrumb" className="breadcrumb"><Link to="/admin/remediations">Remediation</Link></nav>
      </PageHeader>
      <div className="card">
        {notice && <Notice>{notice}</Notice>}
        <ErrorBanner message={failure ?? error} />
        <Facts items={[
          ['Status', <RemediationStatusBadge status={plan.status} />],
          ['Window', `${formatDate(plan.criteria.window.since)} to ${formatDate(plan.criteria.window.until)}`],
          ['Selects users with', criteriaWords(plan.criteria).join('; or ')],
          ['Actions', plan.actions.map((a) => ACTION_LABELS[a] ?? a).join(', ')],
          ['Planned', `${formatDate(plan.created)} by ${plan.createdBy.name}`],
          ['Approved', plan.approval ? `${formatDate(plan.approval.at)} by ${plan.approval.by.name}` : '—'],
          ['Items', `${count(counts.users, 'user', 'users')}, ${count(counts.items, 'item', 'items')}: ${counts.done} done, ${counts.skipped} skipped, ${counts.failed} failed, ${counts.pending} to do`],
          ...(plan.cancellation ? [['Cancelled', `${formatDate(plan.cancellation.at)} by ${plan.cancellation.by.name}`] as [string, string]] : []),
          ...(plan.completed ? [['Completed', formatDate(plan.completed)] as [string, string]] : []),
        ]} />
        {(running || plan.status === 'APPLYING') && (
          <div className="export-progress">
            <label>Applying <progress max={counts.items} value={finished} /></label>
            <span role="status">{finished} of {counts.items} items finished</span>
          </div>
        )}
        {plan.status === 'PLANNED' && ownPlan && <p className="hint">Another super admin approves this plan: nobody approves their own. The dry run stays valid until {formatDate(plan.dryRunExpiresAt)}.</p>}
        {plan.status === 'EXPIRED' && <p className="hint">The dry run is more than a day old and may no longer be right: plan again.</p>}
        <div className="button-row">
          {mayApprove && (
            <ConfirmButton label="Approve" danger={false} className="button-primary" title="Approve this remediation?" confirmLabel="Approve"
              onConfirm={() => step('approve', 'The plan is approved. It can be applied now.')}>
              <p>{counts.pending} actions on {counts.users} users will be applied when a super admin applies the plan. You will be asked for your passkey.</p>
            </ConfirmButton>
          )}
          {mayApply && (
            <ConfirmButton label={plan.status === 'APPLYING' ? 'Resume applying' : 'Apply'} className="button-danger" title="Apply this remediation?" confirmLabel="Apply now"
              onConfirm={async () => { void apply(); }}>
              <p>{counts.pending} actions will be done now, one at a time: {plan.actions.map((a) => ACTION_LABELS[a] ?? a).join(', ').toLowerCase()}. The users lose their sessions; what is done cannot be undone.</p>
            </ConfirmButton>
          )}
          {mayCancel && (
            <ConfirmButton label="Cancel the plan" title="Cancel this remediation?" confirmLabel="Cancel the plan" onConfirm={() => step('cancel', 'The plan is cancelled.')}>
              <p>{plan.status === 'APPLYING' ? 'The run stops before its next item; what was done stays done.' : 'Nothing was done yet, and nothing will be.'}</p>
            </ConfirmButton>
          )}
          <button type="button" className="button-secondary" onClick={() => void report('csv')}>Download the report (CSV)</button>
          <button type="button" className="button-secondary" onClick={() => void report('json')}>Download the report (JSON)</button>
        </div>
      </div>
      <Section title="Users" description={counts.users === 0 ? 'The dry run selected nobody from the System Log: no user matched the criteria.' : `The ${count(counts.users, 'user', 'users')} the dry run selected from the System Log.`}>
        {plan.users.length > 0 && <UserRows users={plan.users} />}
      </Section>
    </>
  );
}
