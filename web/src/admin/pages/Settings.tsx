import { useEffect, useState, type FormEvent } from 'react';
import { adminCall } from '../client.ts';
import { formatDate } from '../format.ts';
import type { AdminSession, AdminSettings } from '../types.ts';
import { ErrorBanner, Notice } from '../ui/Banner.tsx';
import { CheckboxField, FormActions, NumberField, TextAreaField } from '../ui/Fields.tsx';
import { Facts, PageHeader, Section } from '../ui/Page.tsx';
import { useLoad } from '../ui/useLoad.ts';
import { useRunner } from '../ui/useRunner.ts';

/** The server's bounds for the admin session settings (src/admin/settings.ts). */
const BOUNDS = {
  idle: { min: 5, max: 120 },
  lifetime: { min: 15, max: 1440 },
  protectedAction: { min: 1, max: 60 },
};

const list = (text: string) => text.split(/[\s,]+/).map((s) => s.trim()).filter((s) => s !== '');

type Draft = { idle: number; lifetime: number; protectedAction: number; binding: boolean; asns: string; ranges: string };

const draftOf = (s: AdminSettings): Draft => ({
  idle: s.maxSessionIdleMinutes,
  lifetime: s.maxSessionLifetimeMinutes,
  protectedAction: s.protectedActionMinutes,
  binding: s.asnBinding.enabled,
  asns: s.asnBinding.allowedAsns.join(', '),
  ranges: s.asnBinding.allowedRanges.join('\n'),
});

/** How long admin sessions last, when a protected action asks for the passkey again, and which networks a session may move to; and the facts of this session. */
export default function Settings() {
  const settings = useLoad<AdminSettings>('/api/v1/admin/settings/session');
  const session = useLoad<AdminSession>('/api/v1/admin/session');
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useRunner();

  useEffect(() => {
    if (settings.data) setDraft(draftOf(settings.data));
  }, [settings.data]);

  const set = <K extends keyof Draft>(key: K) => (value: Draft[K]) => {
    setSaved(false);
    setDraft((d) => d && { ...d, [key]: value });
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!draft) return;
    const asns = list(draft.asns).map(Number);
    void run(async () => {
      const body = {
        maxSessionIdleMinutes: draft.idle,
        maxSessionLifetimeMinutes: draft.lifetime,
        protectedActionMinutes: draft.protectedAction,
        asnBinding: { enabled: draft.binding, allowedAsns: asns, allowedRanges: list(draft.ranges) },
      };
      settings.replace(await adminCall<AdminSettings>('PUT', '/api/v1/admin/settings/session', body));
      setSaved(true);
    });
  };
  const asnProblem = draft !== null && list(draft.asns).some((s) => !/^\d{1,10}$/.test(s));

  const s = session.data;
  return (
    <>
      <PageHeader title="Settings" description="Admin sessions: how long they last, and what they may do without asking for the passkey again." />
      <div className="stack">
        <Section title="Admin session settings" description={`Apply to every admin of this tenant, from their next request. Last changed: ${formatDate(settings.data?.lastUpdated, 'never (the defaults)')}.`}>
          <ErrorBanner message={settings.error} />
          {draft && (
            <form className="form" onSubmit={submit}>
              <div className="form-columns">
                <fieldset>
                  <legend>Lifetime</legend>
                  <NumberField label="Idle timeout (minutes)" value={draft.idle} onValue={set('idle')} min={BOUNDS.idle.min} max={BOUNDS.idle.max} hint="A session unused this long ends." />
                  <NumberField label="Maximum lifetime (minutes)" value={draft.lifetime} onValue={set('lifetime')} min={BOUNDS.lifetime.min} max={BOUNDS.lifetime.max} hint="A session ends this long after sign-in, however busy. At least the idle timeout." />
                  <NumberField label="Protected actions: passkey within (minutes)" value={draft.protectedAction} onValue={set('protectedAction')} min={BOUNDS.protectedAction.min} max={BOUNDS.protectedAction.max} hint="Older than this, a protected action asks for the passkey again." />
                </fieldset>
                <fieldset>
                  <legend>Network binding</legend>
                  <CheckboxField label="Bind each session to the network it started from" checked={draft.binding} onChecked={set('binding')}
                    hint="A request from another network (autonomous system) ends the session, unless the network is allowed below. A stolen session cookie is then useless elsewhere." />
                  <TextAreaField label="Also allowed AS numbers" className="mono" value={draft.asns} onValue={set('asns')} rows={2} spellCheck={false}
                    hint="Separated by commas or spaces, e.g. your office's and VPN's networks." aria-invalid={asnProblem} disabled={!draft.binding} />
                  <TextAreaField label="Also allowed IP ranges" className="mono" value={draft.ranges} onValue={set('ranges')} rows={3} spellCheck={false}
                    hint="CIDR blocks, one per line, e.g. 203.0.113.0/24." disabled={!draft.binding} />
                </fieldset>
              </div>
              {asnProblem && <ErrorBanner message="AS numbers are whole numbers, such as 64500." />}
              {saved && <Notice>The settings were saved.</Notice>}
              <ErrorBanner message={error} />
              <FormActions>
                <button type="button" className="button-secondary" disabled={busy} onClick={() => { setSaved(false); if (settings.data) setDraft(draftOf(settings.data)); }}>Discard changes</button>
                <button type="submit" className="button-primary" disabled={busy || asnProblem}>Save settings</button>
              </FormActions>
            </form>
          )}
        </Section>
        <Section title="Your session" actions={<button type="button" className="button-secondary" onClick={session.reload}>Refresh</button>}>
          <ErrorBanner message={session.error} />
          {s && (
            <Facts items={[
              ['Signed in as', `${s.user.displayName} (${s.user.login})`],
              ['Roles', s.roles.join(', ') || 'None'],
              ['Signed in', formatDate(s.created)],
              ['Ends at the latest', formatDate(s.expiresAt)],
              ['Ends if idle until', formatDate(s.idleExpiresAt)],
              ['Last passkey check', formatDate(s.lastStepUp, 'At sign-in')],
              ['Protected actions', `Ask for the passkey when the last check is over ${s.protectedActionMinutes} min old`],
              ['Network', [s.network.ip, s.network.asNumber !== null ? `AS${s.network.asNumber}` : null, s.network.asOrg].filter(Boolean).join(' · ') || 'Unknown'],
              ['Session ID', <code key="id">{s.id}</code>],
            ]} />
          )}
        </Section>
      </div>
    </>
  );
}
