import { hash, verify } from '@node-rs/argon2';
import { newSecret } from '#src/lib/secrets.ts';

/** argon2id's cost: memory in KiB, passes, lanes. */
export type Argon2Parameters = Readonly<{ memoryKib: number; iterations: number; parallelism: number }>;

/** OWASP's argon2id baseline: 19 MiB, two passes, one lane. Config may raise it (BULWARK_ARGON2_*), never lower it. */
export const OWASP_ARGON2: Argon2Parameters = Object.freeze({ memoryKib: 19456, iterations: 2, parallelism: 1 });

let parameters: Argon2Parameters = OWASP_ARGON2;
let dummy: Promise<string> | undefined;

/**
 * Sets the cost of new hashes for this process, once at start (server, CLI). A process-wide setting rather
 * than a value threaded through every service call: like the CSPRNG, it is the same for every tenant.
 */
export function configurePasswordHashing(p: Argon2Parameters): void {
  parameters = p;
  dummy = undefined;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, { memoryCost: parameters.memoryKib, timeCost: parameters.iterations, parallelism: parameters.parallelism });
}

export function verifyPassword(hashed: string, password: string): Promise<boolean> {
  return verify(hashed, password).catch(() => false);
}

/**
 * Spends exactly what checking a real password costs, and fails: the sign-in path runs it for an unknown
 * user, a user without a password or a locked account, so that none of them answers faster than a wrong
 * password does.
 */
export async function verifyNothing(password: string): Promise<false> {
  dummy ??= hashPassword(newSecret());
  await verifyPassword(await dummy, password);
  return false;
}

/** Whether a stored hash was made with other parameters than the current ones (then it is rehashed at sign-in). */
export function needsRehash(hashed: string): boolean {
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(hashed);
  return !m || Number(m[1]) !== parameters.memoryKib || Number(m[2]) !== parameters.iterations || Number(m[3]) !== parameters.parallelism;
}
