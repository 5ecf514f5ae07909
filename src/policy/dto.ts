import type { PasswordPolicy } from './service.ts';
import type { SignOnRule } from './sign-on-rules.ts';
import type { ZoneRow } from './zones.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toOktaPasswordPolicy(p: PasswordPolicy, base: string) {
  return {
    id: p.id,
    type: 'PASSWORD',
    name: 'Default Policy',
    description: 'The tenant\'s password rules, common-password check, history and lockout.',
    status: 'ACTIVE',
    priority: 1,
    system: true,
    created: iso(p.created),
    lastUpdated: iso(p.lastUpdated),
    conditions: null,
    settings: { password: p.settings },
    _links: { self: { href: `${base}/api/v1/policies/${p.id}`, hints: { allow: ['GET', 'PUT'] } } },
  };
}

/** The tenant's one sign-on policy; its rules are where everything is decided. */
export function toOktaSignOnPolicy(id: string, base: string) {
  const self = `${base}/api/v1/policies/${id}`;
  return {
    id,
    type: 'OKTA_SIGN_ON',
    name: 'Default Policy',
    description: 'Who may sign in to which app, from where, and with which factors.',
    status: 'ACTIVE',
    priority: 1,
    system: true,
    created: null,
    lastUpdated: null,
    conditions: { people: { groups: { include: ['EVERYONE'] } } },
    _links: { self: { href: self, hints: { allow: ['GET'] } }, rules: { href: `${self}/rules`, hints: { allow: ['GET', 'POST'] } } },
  };
}

export function toOktaRule(r: SignOnRule, policyId: string, base: string) {
  const self = `${base}/api/v1/policies/${policyId}/rules/${r.id}`;
  const lifecycle = r.system === null ? { [r.status === 'ACTIVE' ? 'deactivate' : 'activate']: { href: `${self}/lifecycle/${r.status === 'ACTIVE' ? 'deactivate' : 'activate'}`, hints: { allow: ['POST'] } } } : {};
  return {
    id: r.id,
    type: 'SIGN_ON',
    name: r.name,
    priority: r.priority,
    status: r.status,
    system: r.system !== null,
    created: iso(r.created),
    lastUpdated: iso(r.lastUpdated),
    conditions: { ...r.conditions, authContext: { authType: 'ANY' } },
    actions: { signon: { ...r.actions.signon, primaryFactor: 'PASSWORD_IDP_ANY_FACTOR' } },
    _links: { self: { href: self, hints: { allow: r.system === null ? ['GET', 'PUT', 'DELETE'] : ['GET', 'PUT'] } }, ...lifecycle },
  };
}

export function toOktaZone(z: ZoneRow, base: string) {
  const self = `${base}/api/v1/zones/${z.id}`;
  const common = {
    type: z.type, id: z.id, name: z.name, status: z.status, usage: 'POLICY', system: false, created: z.created.toISOString(), lastUpdated: z.lastUpdated.toISOString(),
    _links: {
      self: { href: self, hints: { allow: ['GET', 'PUT', 'DELETE'] } },
      [z.status === 'ACTIVE' ? 'deactivate' : 'activate']: { href: `${self}/lifecycle/${z.status === 'ACTIVE' ? 'deactivate' : 'activate'}`, hints: { allow: ['POST'] } },
    },
  };
  if (z.type === 'IP') return { ...common, gateways: z.gateways, proxies: null };
  return { ...common, proxyType: null, asns: z.asns, locations: z.countries.map((country) => ({ country, region: null })) };
}
