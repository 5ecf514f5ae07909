/**
 * What the device-binding proof check adds to an admin request (docs/admin-sessions.md): the checker the auth
 * hook runs (src/admin/device-proof.ts), over proofs a browser would send (ES256 JWTs with a fresh jti and the
 * server's nonce), p50 per check (target < 0.5 ms). The reference, measured in the same run, is one bare
 * ES256 signature verification with node:crypto: the least any proof check can cost.
 */
import { generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { calculateJwkThumbprint, SignJWT } from 'jose';
import { createProofChecker } from '../src/admin/device-proof.ts';
import { systemClock } from '../src/lib/clock.ts';
import { log, percentile, round, runBench, sized } from './lib/bench.ts';

const CHECKS = sized(20_000, 4_000);
const TARGET_MS = 0.5;

await runBench('admin-proof', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { x, y } = publicKey.export({ format: 'jwk' });
  const jwk = { kty: 'EC', crv: 'P-256', x: x as string, y: y as string };
  const device = { jkt: await calculateJwkThumbprint(jwk, 'sha256'), jwk };
  const checker = createProofChecker(randomBytes(32), systemClock);
  const htu = 'http://bench.localhost:8080/api/v1/users';
  const nonce = checker.nonce();
  const proofs = await Promise.all(Array.from({ length: CHECKS }, () => new SignJWT({ htm: 'GET', htu, jti: randomBytes(16).toString('base64url'), nonce })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk }).setIssuedAt().sign(privateKey)));

  // Warm both paths before timing: the first calls pay for JIT and the key import.
  for (const proof of proofs.slice(0, 200)) await checker.check({ proof, method: 'GET', url: htu, device, sessionId: 'warm' });
  const times: number[] = [];
  for (const [i, proof] of proofs.entries()) {
    const began = performance.now();
    const refusal = await checker.check({ proof, method: 'GET', url: htu, device, sessionId: 'bench' });
    times.push(performance.now() - began);
    if (refusal) throw new Error(`proof ${i} refused: ${refusal.reason}`);
  }
  times.sort((a, b) => a - b);
  const checkP50 = percentile(times, 50);

  const message = randomBytes(200);
  const signature = sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  const raw: number[] = [];
  for (let i = 0; i < CHECKS; i++) {
    const began = performance.now();
    const good = verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
    raw.push(performance.now() - began);
    if (!good) throw new Error('reference verification failed');
  }
  raw.sort((a, b) => a - b);
  const rawP50 = percentile(raw, 50);
  log(`proof check: p50 ${round(checkP50 * 1000, 1)} µs, p99 ${round(percentile(times, 99) * 1000, 1)} µs over ${CHECKS}; bare ES256 verify p50 ${round(rawP50 * 1000, 1)} µs`);
  return {
    figures: { check_p50_ms: round(checkP50, 4), check_p99_ms: round(percentile(times, 99), 4), es256_verify_p50_ms: round(rawP50, 4), ratio_to_verify: round(checkP50 / rawP50, 2) },
    target: `check_p50_ms<${TARGET_MS}`,
    met: checkP50 < TARGET_MS,
  };
});
