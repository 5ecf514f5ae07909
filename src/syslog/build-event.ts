import { isIPv6 } from 'node:net';
import { newUuid } from '#src/lib/ids.ts';
import type { AuditContext, EventInput, LogEvent } from './log-event.ts';
import { describeUserAgent } from './user-agent.ts';

/**
 * Fills every LogEvent field from the service's input and the request's audit context. Keys are written in
 * RFC 8785 order, so canonicalJson (chain.ts) checks the event's order instead of copying it.
 */
export function buildEvent(ctx: AuditContext, input: EventInput, published: Date): LogEvent {
  const agent = describeUserAgent(ctx.userAgent);
  const ip = ctx.ipAddress;
  const net = ctx.network;
  const geo = net?.country ? { city: null, country: net.country, geolocation: null, postalCode: null, state: null } : null;
  return {
    actor: ctx.actor,
    authenticationContext: {
      authenticationProvider: input.authenticationContext?.authenticationProvider ?? null,
      authenticationStep: 0,
      credentialProvider: null,
      credentialType: input.authenticationContext?.credentialType ?? null,
      externalSessionId: input.authenticationContext?.externalSessionId ?? ctx.sessionId ?? null,
      interface: null,
      issuer: null,
      rootSessionId: input.authenticationContext?.rootSessionId ?? ctx.sessionId ?? null,
    },
    client: {
      device: agent.device,
      geographicalContext: geo,
      id: null,
      ipAddress: ip,
      userAgent: agent.userAgent,
      zone: null,
    },
    debugContext: {
      debugData: {
        // The query string is left out: it is the one part of a URL that may carry a secret.
        ...(ctx.requestUri === null ? {} : { requestId: ctx.transaction.id, requestUri: ctx.requestUri, url: ctx.requestUri }),
        ...input.debugData,
      },
    },
    device: null,
    displayMessage: input.displayMessage,
    eventType: input.eventType,
    legacyEventType: input.legacyEventType ?? null,
    outcome: { reason: input.outcome?.reason ?? null, result: input.outcome?.result ?? 'SUCCESS' },
    published: published.toISOString(),
    request: {
      ipChain: (ctx.ipChain ?? (ip === null ? [] : [ip])).map((hop, i) => ({ geographicalContext: i === 0 ? geo : null, ip: hop, source: null, version: isIPv6(hop) ? 'V6' : 'V4' })),
    },
    securityContext: { asNumber: net?.asNumber ?? null, asOrg: net?.asOrg ?? null, domain: null, isProxy: null, isp: null },
    severity: input.severity ?? 'INFO',
    target: input.target ?? [],
    transaction: ctx.transaction,
    uuid: newUuid(),
    version: '0',
  };
}
