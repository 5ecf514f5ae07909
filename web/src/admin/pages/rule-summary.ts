import type { SignOnRule, Zone } from '../types.ts';

/** The apps a sign-on rule can name (src/policy/sign-on-rules.ts's built-in apps), as admins know them. */
export const APPS = [
  { value: 'admin_console', label: 'Admin console' },
  { value: 'dashboard', label: 'Dashboard' },
  { value: 'help_center', label: 'Help center' },
] as const;

const appName = (a: string) => APPS.find((x) => x.value === a)?.label ?? a;

function listed(include: readonly string[], exclude: readonly string[], all: string, name: (id: string) => string): string {
  const parts = [include.length === 0 ? all : include.map(name).join(', ')];
  if (exclude.length > 0) parts.push(`except ${exclude.map(name).join(', ')}`);
  return parts.join(' ');
}

/** A rule's conditions in words: which apps, which people, which networks. */
export function conditionsSummary(rule: SignOnRule, zones: readonly Zone[], groupNames: ReadonlyMap<string, string>): { apps: string; people: string; network: string } {
  const c = rule.conditions;
  const zoneName = (id: string) => (id === 'ALL_ZONES' ? 'any zone' : (zones.find((z) => z.id === id)?.name ?? id));
  const users = c.people.users.include.length + c.people.users.exclude.length;
  const people = listed(c.people.groups.include, c.people.groups.exclude, 'Everyone', (id) => groupNames.get(id) ?? id);
  return {
    apps: listed(c.app.include, c.app.exclude, 'Every app', appName),
    people: users > 0 ? `${people}; ${users} ${users === 1 ? 'user' : 'users'} named` : people,
    network: c.network.connection === 'ANYWHERE' ? 'Anywhere' : listed(c.network.include, c.network.exclude, 'Any zone', zoneName),
  };
}

/** What a rule asks for, in words. */
export function factorSummary(rule: SignOnRule): string {
  const a = rule.actions.signon;
  if (a.access === 'DENY') return '—';
  const factor = a.phishingResistant === 'REQUIRED' ? 'Passkey (phishing-resistant)' : a.requireFactor ? 'Password and a factor' : 'Password';
  if (!a.requireFactor) return factor;
  return `${factor}, ${a.factorPromptMode === 'ALWAYS' ? 'every sign-in' : `every ${minutes(a.factorLifetime)}`}`;
}

export function minutes(n: number): string {
  if (n % 1440 === 0) return `${n / 1440} d`;
  if (n % 60 === 0) return `${n / 60} h`;
  return `${n} min`;
}
