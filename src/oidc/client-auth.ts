import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { secretMatchesAny } from '#src/apps/service.ts';
import { safeEqualHex, sha256Hex } from '#src/lib/secrets.ts';
import { HELP_CENTER_CLIENT_ID } from './clients.ts';
import type { TenantProvider } from './provider.ts';

/** RFC 6749 2.3.1: the id and secret are form-encoded before they are joined and base64-encoded. */
const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/**
 * client_secret_basic against secrets stored only as hashes (src/apps). A presented secret that matches one
 * of the app's active secrets is swapped for the app's internal secret, the only one oidc-provider knows;
 * any other is swapped for a random value, so that nothing but a real secret ever authenticates a client.
 * The built-in Help Center client has no stored secret: it presents the internal one itself.
 */
export async function authenticateClientSecret(request: FastifyRequest, tp: TenantProvider): Promise<void> {
  const header = request.headers.authorization;
  if (header === undefined || !/^basic /i.test(header)) return;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return;
  let clientId: string;
  let secret: string;
  try {
    clientId = formDecode(decoded.slice(0, colon));
    secret = formDecode(decoded.slice(colon + 1));
  } catch {
    return;
  }
  const client = await tp.clients.find(clientId);
  const genuine = client?.tokenEndpointAuthMethod === 'client_secret_basic' && (clientId === HELP_CENTER_CLIENT_ID
    ? safeEqualHex(sha256Hex(secret), sha256Hex(tp.clients.internalSecret(clientId)))
    : secretMatchesAny(await tp.clients.secretHashes(clientId), secret));
  request.raw.headers.authorization = basic(clientId, genuine ? tp.clients.internalSecret(clientId) : randomBytes(32).toString('base64url'));
}
