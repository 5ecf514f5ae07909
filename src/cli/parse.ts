import { ROLE_TYPES, type RoleType } from '#src/roles/permissions.ts';
import { CliError } from './context.ts';

/** The same shape the users API accepts for `login` and `email`: one address, no spaces, 5-100 characters. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function parseEmail(value: string, flag: string): string {
  if (value.length < 5 || value.length > 100 || !EMAIL.test(value)) throw new CliError(`${flag} must be an email address such as jane@example.com, got "${value}"`);
  return value;
}

export function parseName(value: string, flag: string): string {
  const name = value.trim();
  if (name === '' || name.length > 50) throw new CliError(`${flag} must be 1-50 characters`);
  return name;
}

export function parseInteger(value: string, name: string, min: number, max: number): number {
  const n = /^\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

/** ISO 8601 date or date-time, as the System Log API takes for `since` and `until`. */
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function parseIsoDate(value: string, flag: string): Date {
  const d = new Date(value);
  if (!ISO.test(value) || Number.isNaN(d.getTime())) throw new CliError(`${flag} must be an ISO 8601 date or time such as 2026-01-31 or 2026-01-31T12:00:00Z, got "${value}"`);
  return d;
}

export function parseRole(value: string): RoleType {
  const role = value.toUpperCase();
  if (!(ROLE_TYPES as readonly string[]).includes(role)) throw new CliError(`--role must be one of ${ROLE_TYPES.join(', ')}, got "${value}"`);
  return role as RoleType;
}

/** A secret read from standard input, so it never appears in `ps` or the shell history. */
export async function readSecretFromStdin(what: string): Promise<string> {
  if (process.stdin.isTTY) throw new CliError(`${what} is read from standard input: pipe it in, e.g. \`printf %s "$PASSWORD" | bulwark ...\``);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (text === '') throw new CliError(`${what} on standard input is empty`);
  return text;
}

/** For a repeatable option: commander hands each value with the list so far. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
