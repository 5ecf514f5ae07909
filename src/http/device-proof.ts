import type { FastifyRequest } from 'fastify';
import type { BoundDevice } from '#src/admin/device-proof.ts';
import { AppError } from './errors.ts';
import { originOf } from './request-context.ts';

function proofRefused(cause: string, headers: Record<string, string>): AppError {
  return new AppError(401, 'E0000011', 'Invalid token provided', [`DPoP: ${cause}`], headers);
}

/**
 * The one check of a device-bound session's request (admin console sessions, support staff's Help Center
 * sessions): the `DPoP` proof must be signed by the session's key, for this method and URL, fresh and unused.
 * A refusal carries the current nonce (callers send it on every answer of a device-bound session, so the
 * client's next proof has it). A proof that is only stale is answered `use_dpop_nonce`, which the
 * client retries (the normal flow, not logged); any other failure is handed to `logRefusal` (the caller's own
 * log and event) and answered `invalid_dpop_proof`. The session is never ended here: a request without the key
 * may be an attacker's with a copied cookie, and ending the session would hand them a way to sign its owner out.
 */
export async function proveDevice(request: FastifyRequest, session: { id: string; device: BoundDevice }, logRefusal: (reason: string) => Promise<void>): Promise<void> {
  const proofs = request.server.proofs;
  const nonce = proofs.nonce();
  const path = request.url.split('?')[0] ?? request.url;
  const dpop = request.headers['dpop'];
  const refusal = await proofs.check({ proof: typeof dpop === 'string' ? dpop : undefined, method: request.method, url: `${originOf(request)}${path}`, device: session.device, sessionId: session.id });
  if (!refusal) return;
  if (refusal.stale) throw proofRefused(refusal.reason, { 'www-authenticate': 'DPoP error="use_dpop_nonce", error_description="Use the DPoP-Nonce of this response"', 'dpop-nonce': nonce });
  await logRefusal(refusal.reason);
  throw proofRefused(refusal.reason, { 'www-authenticate': `DPoP error="invalid_dpop_proof", error_description="${refusal.reason.replaceAll('"', "'")}"`, 'dpop-nonce': nonce });
}
