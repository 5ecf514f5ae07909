/**
 * Whether System Log events are well-formed Okta LogEvents of known types: the strict Bulwark profile of the
 * schema, Okta's own profile, and Okta's published event-type catalog (or, for `bulwark.*` types, the list
 * docs/okta-compatibility.md declares).
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { validateBulwarkLogEvent, validateOktaLogEvent } from '../../src/syslog/log-event-schema.ts';
import { sharedDataDir } from '../helpers.ts';
import type { LogEventJson } from './log-reader.ts';

const sharedData = pathToFileURL(sharedDataDir());

/** Okta's event-type catalog (okta-developer-docs data/event-types.json). */
export function oktaEventTypes(): Set<string> {
  const catalog = JSON.parse(readFileSync(new URL('okta-developer-docs/packages/@okta/vuepress-site/data/event-types.json', sharedData), 'utf8')) as {
    versions: { eventTypes: { id: string }[] }[];
  };
  return new Set(catalog.versions.flatMap((v) => v.eventTypes.map((e) => e.id)));
}

/** The `bulwark.*` types docs/okta-compatibility.md declares as Bulwark's own. */
export function documentedBulwarkTypes(): Set<string> {
  const doc = readFileSync(new URL('../../docs/okta-compatibility.md', import.meta.url), 'utf8');
  return new Set([...doc.matchAll(/`(bulwark\.[a-z_.]+)`/g)].map((m) => m[1] as string));
}

export function problemsOf(events: LogEventJson[], okta: Set<string>, bulwark: Set<string>): string[] {
  const problems: string[] = [];
  for (const event of events) {
    for (const p of validateBulwarkLogEvent(event)) problems.push(`${event.eventType} ${event.uuid}: ${p}`);
    for (const p of validateOktaLogEvent(event)) problems.push(`${event.eventType} ${event.uuid} (Okta profile): ${p}`);
    const known = event.eventType.startsWith('bulwark.') ? bulwark.has(event.eventType) : okta.has(event.eventType);
    if (!known) problems.push(`${event.eventType}: not in ${event.eventType.startsWith('bulwark.') ? "Bulwark's documented types" : "Okta's event-type catalog"}`);
  }
  return problems;
}
