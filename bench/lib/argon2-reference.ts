/**
 * The reference of bench/login.ts, in a process of its own started with UV_THREADPOOL_SIZE=1: bare argon2id
 * verifications of one correct password with the server's parameters, kept `CONCURRENCY` deep, for
 * BENCH_SECONDS. Reports verifications per second over IPC.
 */
import { hash, verify } from '@node-rs/argon2';
import { OWASP_ARGON2 } from '../../src/users/password.ts';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const CONCURRENCY = 8;
const PASSWORD = 'Bench-Password-42';

const hashed = await hash(PASSWORD, { memoryCost: OWASP_ARGON2.memoryKib, timeCost: OWASP_ARGON2.iterations, parallelism: OWASP_ARGON2.parallelism });
const deadline = performance.now() + SECONDS * 1000;
let count = 0;
const began = performance.now();
await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
  while (performance.now() < deadline) {
    if (!(await verify(hashed, PASSWORD))) throw new Error('reference verification failed');
    count += 1;
  }
}));
process.send?.({ perSecond: count / ((performance.now() - began) / 1000) });
process.disconnect?.();
