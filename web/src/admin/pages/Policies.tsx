import type { Group, SignOnRule, Zone } from '../types.ts';
import { PageHeader } from '../ui/Page.tsx';
import { useLoad } from '../ui/useLoad.ts';
import { useNames } from '../ui/useNames.ts';
import { PasswordPolicyCard } from './PasswordPolicyCard.tsx';
import { SignOnRulesCard } from './SignOnRulesCard.tsx';
import { ZonesCard } from './ZonesCard.tsx';

/** The sign-on policy's rules, the password policy and the network zones the rules name. */
export default function Policies() {
  const policy = useLoad<{ id: string }[]>('/api/v1/policies?type=OKTA_SIGN_ON');
  const policyId = policy.data?.[0]?.id ?? null;
  const rules = useLoad<SignOnRule[]>(policyId ? `/api/v1/policies/${policyId}/rules` : null);
  const zones = useLoad<Zone[]>('/api/v1/zones');
  const groupIds = (rules.data ?? []).flatMap((r) => [...r.conditions.people.groups.include, ...r.conditions.people.groups.exclude]);
  const groupNames = useNames<Group>('/api/v1/groups', groupIds, (g) => g.profile.name);

  return (
    <>
      <PageHeader title="Policies" description="Who may sign in to what, from where and with which factors; the password rules; and the networks the rules name." />
      <div className="stack">
        <SignOnRulesCard
          policyId={policyId}
          rules={rules.data}
          error={policy.error ?? rules.error}
          reload={rules.reload}
          zones={zones.data ?? []}
          groupNames={groupNames}
        />
        <PasswordPolicyCard />
        <ZonesCard zones={zones.data} error={zones.error} loading={zones.loading} reload={zones.reload} />
      </div>
    </>
  );
}
