import type { FastifyRequest } from 'fastify';
import { originOf } from '#src/http/request-context.ts';
import type { RelyingParty } from './webauthn.ts';

export { activatePasskey, enrollPasskey, WEBAUTHN } from './webauthn.ts';

/** The relying party of a request's tenant host: RP ID is the host name, answers must come from this origin. */
export function relyingParty(request: FastifyRequest, name: string): RelyingParty {
  return { name, id: request.hostname.replace(/:\d+$/, ''), origin: originOf(request) };
}
