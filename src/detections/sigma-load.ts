/**
 * Sigma rule files read and compiled. Every file either becomes a rule or is listed as unsupported with the
 * precise reason (not an Okta rule, a construct the evaluator does not implement, invalid YAML …): nothing is
 * dropped silently and nothing throws. YAML is read as YAML 1.2, the version the Sigma specification names.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { compileDetection, type EventTypes } from './sigma-compile.ts';
import type { EventPredicate, Placeholders } from './sigma-items.ts';

export const SIGMA_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type SigmaLevel = (typeof SIGMA_LEVELS)[number];

export type SigmaRule = {
  /** The rule's `id`, or its file path when it has none. */
  id: string;
  title: string;
  level: SigmaLevel | null;
  file: string;
  /** Lower-cased event types the rule can fire on; null when any. */
  eventTypes: EventTypes;
  matches: EventPredicate;
};

export type UnsupportedRule = { file: string; title: string | null; reason: string };

export type LoadOptions = {
  /** Values for `%name%` placeholders (the `expand` modifier); a rule using an unlisted one is unsupported. */
  placeholders?: Placeholders;
};

export type RuleResult = { ok: true; rule: SigmaRule } | { ok: false; unsupported: UnsupportedRule };

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isLevel = (v: unknown): v is SigmaLevel => (SIGMA_LEVELS as readonly unknown[]).includes(v);

/** Reads one rule from its YAML text; `file` names it in the result. */
export function parseSigmaRule(text: string, file: string, options: LoadOptions = {}): RuleResult {
  let title: string | null = null;
  const unsupported = (reason: string): RuleResult => ({ ok: false, unsupported: { file, title, reason } });
  const docs = parseAllDocuments(text);
  if ('empty' in docs || docs.length === 0) return unsupported('the file holds no YAML document');
  if (docs.length > 1) return unsupported(`the file holds ${docs.length} YAML documents; multi-document rule collections are not supported`);
  const doc = docs[0] as (typeof docs)[number];
  const [error] = doc.errors;
  if (error) return unsupported(`invalid YAML: ${error.message.split('\n')[0]}`);
  const rule: unknown = doc.toJS();
  if (!isMap(rule)) return unsupported('the file is not a Sigma rule (its YAML is not a map)');
  if (typeof rule['title'] === 'string') title = rule['title'];
  if ('correlation' in rule) return unsupported('Sigma correlation rules are not supported');
  if (!('detection' in rule) && 'filter' in rule) return unsupported('Sigma filters are not supported');
  if (title === null) return unsupported('the rule has no title');
  const logsource = rule['logsource'];
  if (!isMap(logsource)) return unsupported('the rule has no logsource');
  const product = logsource['product'];
  if (product !== 'okta') {
    return unsupported(product === undefined ? 'logsource has no product, so the rule is not for Okta' : `logsource.product is '${String(product)}', not 'okta'`);
  }
  if (rule['status'] === 'unsupported') return unsupported("status is 'unsupported': the rule's authors mark it unusable as it stands");
  const level = rule['level'] ?? null;
  if (level !== null && !isLevel(level)) return unsupported(`level '${String(level)}' is not a Sigma level`);
  const id = rule['id'] ?? file;
  if (typeof id !== 'string') return unsupported('id is not a string');
  const detection = compileDetection(rule['detection'], options.placeholders ?? {});
  if (!detection.ok) return unsupported(detection.reason);
  return { ok: true, rule: { id, title, level, file, eventTypes: detection.value.eventTypes, matches: detection.value.test } };
}

/**
 * Every `*.yml`/`*.yaml` file under `dir`, recursively, in path order: the rules that load and the files that
 * do not, each with its reason. Paths are relative to `dir`. Two files with one id keep the first.
 */
export async function loadSigmaRules(dir: string, options: LoadOptions = {}): Promise<{ rules: SigmaRule[]; unsupported: UnsupportedRule[] }> {
  const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.yml') || f.endsWith('.yaml')).sort();
  const rules: SigmaRule[] = [];
  const unsupported: UnsupportedRule[] = [];
  const byId = new Map<string, string>();
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(join(dir, file), 'utf8');
    } catch (err) {
      unsupported.push({ file, title: null, reason: `cannot be read: ${err instanceof Error ? err.message : String(err)}` });
      continue;
    }
    const result = parseSigmaRule(text, file, options);
    if (!result.ok) {
      unsupported.push(result.unsupported);
      continue;
    }
    const earlier = byId.get(result.rule.id);
    if (earlier !== undefined) {
      unsupported.push({ file, title: result.rule.title, reason: `id ${result.rule.id} is already used by ${earlier}` });
      continue;
    }
    byId.set(result.rule.id, file);
    rules.push(result.rule);
  }
  return { rules, unsupported };
}
