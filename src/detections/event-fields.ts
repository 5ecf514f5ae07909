/**
 * What the built-in rules read from a LogEvent, found as Sigma finds fields (sigma-fields.ts): key by key,
 * case-insensitively, so that an import whose keys were re-cased reads the same. Values are taken as Okta
 * writes them and as CSV exports turn them into text (`asNumber` as "64496"), and nothing else is trusted: a
 * field of the wrong type reads as absent.
 */
import { fieldVisitor } from './sigma-fields.ts';
import type { SigmaEvent } from './sigma-match.ts';

type Read = (event: SigmaEvent) => unknown;

/** The first value the path reaches (null included). */
function reader(path: string): Read {
  const visit = fieldVisitor(path);
  return (event) => {
    let found: unknown;
    visit(event, (value) => {
      found = value;
      return true;
    });
    return found;
  };
}

/** Every value the path reaches, e.g. each target of `target`. */
function allReader(path: string): (event: SigmaEvent) => unknown[] {
  const visit = fieldVisitor(path);
  return (event) => {
    const out: unknown[] = [];
    visit(event, (value) => {
      out.push(value);
      return false;
    });
    return out;
  };
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function number(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d{1,15}$/.test(v)) return Number(v);
  return null;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export type Entity = { id: string; type: string | null; alternateId: string | null; displayName: string | null };

function entity(v: unknown): Entity | null {
  if (!isObject(v)) return null;
  const get = (name: string) => (Object.hasOwn(v, name) ? v[name] : Object.entries(v).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1]);
  const id = text(get('id'));
  return id === null ? null : { id, type: text(get('type')), alternateId: text(get('alternateId')), displayName: text(get('displayName')) };
}

const readUuid = reader('uuid');
const readType = reader('eventType');
const readActor = reader('actor');
const readActorType = reader('actor.type');
const readActorCell = reader('actor.detailEntry.supportPlane');
const readTargets = allReader('target');
const readResult = reader('outcome.result');
const readReason = reader('outcome.reason');
const readAsn = reader('securityContext.asNumber');
const readCountry = reader('client.geographicalContext.country');
const readSession = reader('authenticationContext.externalSessionId');
const readDebugData = reader('debugContext.debugData');

export const uuidOf = (e: SigmaEvent): string | null => text(readUuid(e));
export const eventTypeOf = (e: SigmaEvent): string | null => text(readType(e));
export const actorOf = (e: SigmaEvent): Entity | null => entity(readActor(e));
export const actorTypeOf = (e: SigmaEvent): string | null => text(readActorType(e));
/** The cell of a support staff actor (`actor.detailEntry.supportPlane`, as Bulwark names it). */
export const actorCellOf = (e: SigmaEvent): string | null => text(readActorCell(e));
export const targetsOf = (e: SigmaEvent): Entity[] => readTargets(e).map(entity).filter((t): t is Entity => t !== null);
export const userTargetOf = (e: SigmaEvent): Entity | null => targetsOf(e).find((t) => t.type === 'User') ?? null;
export const resultOf = (e: SigmaEvent): string | null => text(readResult(e));
export const reasonOf = (e: SigmaEvent): string | null => text(readReason(e));
export const asnOf = (e: SigmaEvent): number | null => number(readAsn(e));
export const countryOf = (e: SigmaEvent): string | null => text(readCountry(e));

/** Okta writes "unknown" where a session is not known; that is no session to follow. */
export function sessionOf(e: SigmaEvent): string | null {
  const id = text(readSession(e));
  return id === null || id.toLowerCase() === 'unknown' ? null : id;
}

/** `debugContext.debugData`, or an empty object (an import may hold a string there). */
export function debugDataOf(e: SigmaEvent): Record<string, unknown> {
  const data = readDebugData(e);
  return isObject(data) ? data : {};
}

export const debugText = (data: Record<string, unknown>, key: string): string | null => text(data[key]);
export const debugNumber = (data: Record<string, unknown>, key: string): number | null => number(data[key]);

/** A success, or an event that says nothing of its outcome (some exports leave it out). */
export function succeeded(e: SigmaEvent): boolean {
  const result = resultOf(e);
  return result === null || result === 'SUCCESS' || result === 'ALLOW';
}
