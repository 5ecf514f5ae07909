import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { call } from './client.ts';
import { AskForMoreTime, extensionWords } from './AccessExtension.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';
import {
  ACCESS_DURATIONS, ACCESS_SCOPES, DEFAULT_ACCESS_MINUTES, GRANT_STATUS_WORDS, minutesWords,
  type AccessGrant, type AccessScope, type SupportCase, type SupportToken,
} from './types.ts';

/**
 * Support access from the support console (docs/support-access.md): nobody in support holds standing access to
 * an organization. An agent asks for it against an open case of that organization, its admins decide, and an
 * approved grant gives short-lived tokens for the organization's own API. The server checks everything again.
 */

const BASE = '/help/v1/staff';
const GRANTS = `${BASE}/access-grants?limit=200`;

const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');

function WriteBadge() {
  return <span className="badge badge-write">Write</span>;
}

function ScopeList({ scopes }: { scopes: readonly AccessScope[] }) {
  return (
    <ul className="access-scopes">
      {scopes.map((s) => <li key={s.name}>{s.label} <code>{s.name}</code>{s.write && <> <WriteBadge /></>}</li>)}
    </ul>
  );
}

/** The status as a staff member reads it: who ended a grant, when it is not simply its status. */
function statusWords(g: AccessGrant): string {
  if (g.status === 'REVOKED' && g.revocation) {
    const what = g.decision ? 'Ended' : 'Withdrawn';
    return g.revocation.kind === 'STAFF' ? `${what} by you` : `${what} by ${g.revocation.by.name}`;
  }
  return GRANT_STATUS_WORDS[g.status] ?? g.status;
}

/**
 * The admins' decision: an approval is the decision of a grant that has an end (`expiresAt`); a pre-approval
 * rule the organization's admins set approves with no admin named.
 */
function decisionWords(g: AccessGrant): string {
  if (!g.decision) return g.status === 'PENDING' ? 'Waiting for the organization’s admins' : 'None';
  const by = g.decision.by ? g.decision.by.name : `the organization’s pre-approval rule “${g.decision.rule?.name ?? ''}”`;
  const said = `${g.expiresAt ? 'Approved' : 'Denied'} by ${by}, ${when(g.decision.at)}`;
  return g.decision.note ? `${said}: “${g.decision.note}”` : said;
}

/**
 * In a case, for agents and senior agents: ask for access to the case's organization, with the scopes needed,
 * for how long and why. The server's refusal is shown as it wrote it; the request, once made, is shown with
 * the others this staff member made through this case.
 */
export function AccessRequest({ value }: { value: SupportCase }) {
  const [scopes, setScopes] = useState<ReadonlySet<string>>(new Set());
  const [minutes, setMinutes] = useState<number>(DEFAULT_ACCESS_MINUTES);
  const [justification, setJustification] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>();
  const [notice, setNotice] = useState('');
  const [asked, setAsked] = useState<AccessGrant[] | undefined>();
  const heading = useId();
  const hint = useId();
  const organization = value.organization?.name ?? 'the organization';

  useEffect(() => {
    let current = true;
    call<AccessGrant[]>('GET', GRANTS).then((all) => { if (current) setAsked(all.filter((g) => g.caseId === value.id)); }, (e: unknown) => { if (current) setProblem(e); });
    return () => { current = false; };
  }, [value.id]);

  function toggle(name: string, on: boolean) {
    setScopes((s) => {
      const next = new Set(s);
      if (on) next.add(name);
      else next.delete(name);
      return next;
    });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    setNotice('');
    if (scopes.size === 0) {
      setProblem(new Error('Choose at least one scope.'));
      return;
    }
    setBusy(true);
    try {
      // In the order the scopes are listed, whatever the order they were ticked in.
      const body = { scopes: ACCESS_SCOPES.filter((s) => scopes.has(s.name)).map((s) => s.name), durationMinutes: minutes, justification };
      const grant = await call<AccessGrant>('POST', `${BASE}/cases/${encodeURIComponent(value.id)}/access-requests`, body);
      setAsked((a) => [grant, ...(a ?? []).filter((g) => g.id !== grant.id)]);
      setScopes(new Set());
      setMinutes(DEFAULT_ACCESS_MINUTES);
      setJustification('');
      setNotice(`Asked. ${organization}’s admins decide by ${when(grant.decideBy)}; the request is pending until then. See it under My access.`);
    } catch (e) {
      setProblem(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="access-request" aria-labelledby={heading}>
      <h3 id={heading}>Ask for access to this organization</h3>
      <p className="hint">Nobody in support has standing access to {organization}. Its admins decide within 12 hours; an approved grant runs from the approval, and you get tokens for its API under My access.</p>
      {value.status === 'CLOSED' ? (
        <p className="hint">Access is asked for against an open case; this one is closed.</p>
      ) : (
        <form onSubmit={(e) => void submit(e)}>
          <fieldset className="access-scope-choices">
            <legend>Scopes</legend>
            {ACCESS_SCOPES.map((s) => (
              <label key={s.name} className="choice">
                <input type="checkbox" checked={scopes.has(s.name)} onChange={(e) => toggle(s.name, e.target.checked)} />
                <span>{s.label} <code>{s.name}</code>{s.write && <> <WriteBadge /></>}</span>
              </label>
            ))}
            <p className="hint">Write scopes act only on users who hold no admin role.</p>
          </fieldset>
          <label>
            For how long
            <select value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
              {ACCESS_DURATIONS.map((d) => <option key={d.minutes} value={d.minutes}>{d.words}</option>)}
            </select>
          </label>
          <label>
            Why you need it
            <textarea value={justification} onChange={(e) => setJustification(e.target.value)} required minLength={10} maxLength={2000} rows={3} aria-describedby={hint} />
          </label>
          <p id={hint} className="hint">At least 10 characters. The organization’s admins read it when they decide, and it is in their System Log.</p>
          {problem !== undefined && <ProblemAlert error={problem} />}
          <button type="submit" className="start" disabled={busy}>{busy ? 'Asking…' : 'Ask for access'}</button>
        </form>
      )}
      <p role="status" className="notice">{notice}</p>
      {asked && asked.length > 0 && (
        <ul className="access-asked" aria-label="Your access through this case">
          {asked.map((g) => (
            <li key={g.id}>
              <strong>{statusWords(g)}</strong>: {g.scopes.map((s) => s.label).join('; ')}, for {minutesWords(g.durationMinutes)}.{' '}
              {g.status === 'PENDING' ? `Asked ${when(g.requested)}; decided by ${when(g.decideBy)} at the latest.` : g.status === 'APPROVED' ? `Until ${when(g.expiresAt)}.` : `Asked ${when(g.requested)}.`}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

type CaseName = { number: number; organization: string };

/**
 * The staff member's own grants, newest first: what was asked, where it stands and what the admins decided.
 * An approved grant gives a token (shown once) for the organization's API; any grant still running or waiting
 * can be ended here. Grants name their case only, so the queue (the cell's latest 200 cases) names the
 * organization where it can.
 */
export function MyAccess({ onOpenCase }: { onOpenCase: (caseId: string) => void }) {
  const [grants, setGrants] = useState<AccessGrant[] | undefined>();
  const [cases, setCases] = useState<ReadonlyMap<string, CaseName>>(new Map());
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState('');
  const heading = useId();
  const load = useCallback(() => {
    setError(undefined);
    call<AccessGrant[]>('GET', GRANTS).then(setGrants, setError);
    call<SupportCase[]>('GET', `${BASE}/cases?limit=200`).then(
      (c) => setCases(new Map(c.map((k) => [k.id, { number: k.number, organization: k.organization?.name ?? '' }]))),
      () => { /* Names only: the grants stand without them. */ },
    );
  }, []);
  useEffect(() => load(), [load]);
  const changed = useCallback((grant: AccessGrant, words?: string) => {
    setGrants((gs) => gs?.map((g) => (g.id === grant.id ? grant : g)));
    if (words !== undefined) setNotice(words);
  }, []);
  return (
    <section aria-labelledby={heading} className="my-access">
      <h2 id={heading}>My access</h2>
      <p className="hint">Your requests for access to organizations and the grants their admins gave. A token works on the organization’s own API only, for an hour at most and never past its grant; every request made with it is in the organization’s System Log.</p>
      <button type="button" className="secondary narrow" onClick={() => { setNotice(''); load(); }}>Refresh</button>
      <p role="status" className="notice">{notice}</p>
      {error !== undefined && <ProblemAlert error={error} />}
      {grants?.length === 0 && <p>You have asked for no access. Ask from a case of the organization, in the case queue.</p>}
      {grants?.map((g) => <GrantCard key={g.id} grant={g} name={cases.get(g.caseId)} onChanged={changed} onOpenCase={onOpenCase} />)}
    </section>
  );
}

function GrantCard({ grant, name, onChanged, onOpenCase }: { grant: AccessGrant; name: CaseName | undefined; onChanged: (g: AccessGrant, words?: string) => void; onOpenCase: (caseId: string) => void }) {
  const [token, setToken] = useState<SupportToken | undefined>();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>();
  const heading = useId();
  const question = useId();
  const keep = useRef<HTMLButtonElement>(null);
  const ask = useRef<HTMLButtonElement>(null);
  const organization = name?.organization || 'the organization';
  const title = name ? `Case #${name.number}${name.organization ? ` · ${name.organization}` : ''}` : `Case ${grant.caseId}`;
  const pending = grant.status === 'PENDING';
  const running = grant.status === 'APPROVED';

  useEffect(() => { if (confirming) keep.current?.focus(); }, [confirming]);

  async function getToken() {
    setBusy(true);
    setProblem(undefined);
    try {
      const issued = await call<SupportToken>('POST', `${BASE}/access-grants/${encodeURIComponent(grant.id)}/token`);
      setToken(issued);
      onChanged(issued.grant);
    } catch (e) {
      setProblem(e);
    } finally {
      setBusy(false);
    }
  }

  async function end() {
    setBusy(true);
    setProblem(undefined);
    try {
      const ended = await call<AccessGrant>('POST', `${BASE}/access-grants/${encodeURIComponent(grant.id)}/end`);
      setToken(undefined);
      setConfirming(false);
      onChanged(ended, pending ? `Your request for access to ${organization} is withdrawn.` : `Your access to ${organization} has ended; its tokens no longer work.`);
    } catch (e) {
      setProblem(e);
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  }

  function cancel() {
    setConfirming(false);
    // The button that asked is back: focus returns to it.
    requestAnimationFrame(() => ask.current?.focus());
  }
  const escape = (event: KeyboardEvent) => { if (event.key === 'Escape' && !busy) cancel(); };

  return (
    <section className={`access-grant${running ? ' running' : ''}`} aria-labelledby={heading}>
      <h3 id={heading}>{title}</h3>
      <dl>
        <dt>Organization</dt><dd>{name?.organization || 'Not in the latest cases of the queue'}</dd>
        <dt>Case</dt><dd><button type="button" className="inline" onClick={() => onOpenCase(grant.caseId)}>{name ? `#${name.number}` : grant.caseId}</button></dd>
        <dt>Status</dt><dd>{statusWords(grant)}</dd>
        <dt>Scopes</dt><dd><ScopeList scopes={grant.scopes} /></dd>
        <dt>For</dt><dd>{minutesWords(grant.durationMinutes)}</dd>
        <dt>Requested</dt><dd>{when(grant.requested)}</dd>
        <dt>Decide by</dt><dd>{when(grant.decideBy)}</dd>
        <dt>Expires</dt><dd>{when(grant.expiresAt)}</dd>
        <dt>Decision</dt><dd>{decisionWords(grant)}</dd>
        {grant.extension && <><dt>More time</dt><dd>{extensionWords(grant.extension)}</dd></>}
        {grant.revocation && <><dt>Ended</dt><dd>{when(grant.revocation.at)}</dd></>}
        <dt>Why</dt><dd className="reason">{grant.justification}</dd>
      </dl>
      {problem !== undefined && <ProblemAlert error={problem} />}
      {token && <TokenPanel token={token} onHide={() => setToken(undefined)} />}
      {(running || pending) && (confirming ? (
        <div className="confirm" role="group" aria-labelledby={question} onKeyDown={escape}>
          <p id={question}>{pending
            ? `Withdraw your request for access to ${organization}? Its admins will no longer be asked.`
            : `End your access to ${organization} now? Every token of this grant stops working at once; to act again you would have to ask again.`}</p>
          <div className="actions">
            <button type="button" className="danger" disabled={busy} onClick={() => void end()}>{busy ? 'Ending…' : pending ? 'Yes, withdraw it' : 'Yes, end access'}</button>
            <button type="button" className="secondary narrow" ref={keep} disabled={busy} onClick={cancel}>{pending ? 'Keep the request' : 'Keep access'}</button>
          </div>
        </div>
      ) : (
        <div className="actions">
          {running && <button type="button" disabled={busy} onClick={() => void getToken()}>{busy ? 'Getting a token…' : 'Get a token'}</button>}
          <button type="button" className="secondary narrow" ref={ask} disabled={busy} onClick={() => setConfirming(true)}>{pending ? 'Withdraw the request' : 'End access'}</button>
        </div>
      ))}
      {running && !confirming && grant.extension?.status !== 'PENDING' && <AskForMoreTime grant={grant} organization={organization} onAsked={onChanged} />}
    </section>
  );
}

/** A token as issued: shown this once (only its hash is kept), with where to use it and how. */
function TokenPanel({ token, onHide }: { token: SupportToken; onHide: () => void }) {
  const [copied, setCopied] = useState('');
  const field = useRef<HTMLInputElement>(null);
  const heading = useId();
  const warning = useId();
  const curl = `curl -H "Authorization: ${token.tokenType} ${token.token}" ${token.api}/users`;
  useEffect(() => { field.current?.focus(); field.current?.select(); }, [token.token]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(token.token);
      setCopied('The token is copied.');
    } catch {
      field.current?.focus();
      field.current?.select();
      setCopied('The browser did not let the page copy: the token is selected, copy it with Ctrl+C (⌘C).');
    }
  }

  return (
    <div className="support-token" role="group" aria-labelledby={heading}>
      <h4 id={heading}>Support token</h4>
      <div className="warning" id={warning}>
        <p><strong>Shown once.</strong> Copy it now: Bulwark keeps only its hash and cannot show it again. If you lose it, get a new one.</p>
      </div>
      <label>
        Token
        <input ref={field} type="text" readOnly value={token.token} spellCheck={false} autoComplete="off" aria-describedby={warning} onFocus={(e) => e.target.select()} />
      </label>
      <div className="actions">
        <button type="button" className="secondary narrow" onClick={() => void copy()}>Copy the token</button>
        <button type="button" className="secondary narrow" onClick={onHide}>Hide it</button>
      </div>
      <p role="status" className="notice">{copied}</p>
      <dl>
        <dt>Token expires</dt><dd>{when(token.expiresAt)}</dd>
        <dt>API</dt><dd><code>{token.api}</code></dd>
        <dt>Sent as</dt><dd><code>Authorization: {token.tokenType} …</code></dd>
      </dl>
      <label>
        Example
        <input type="text" readOnly value={curl} spellCheck={false} autoComplete="off" className="code" onFocus={(e) => e.target.select()} />
      </label>
    </div>
  );
}
