import { isIPv6 } from 'node:net';
import { newUuid } from '#src/lib/ids.ts';
import type { AuditContext, EventInput, LogEvent } from './log-event.ts';
import { describeUserAgent } from './user-agent.ts';

/** Fills every LogEvent field from the service's input and the request's audit context. */
export function buildEvent(ctx: AuditContext, input: EventInput, published: Date): LogEvent {
  const agent = describeUserAgent(ctx.userAgent);
  const ip = ctx.ipAddress;
  return {
    uuid: newUuid(),
    published: published.toISOString(),
    eventType: input.eventType,
    version: '0',
    severity: input.severity ?? 'INFO',
    legacyEventType: input.legacyEventType ?? null,
    displayMessage: input.displayMessage,
    actor: ctx.actor,
    client: {
      userAgent: agent.userAgent,
      zone: null,
      device: agent.device,
      id: null,
      ipAddress: ip,
      geographicalContext: null,
    },
    device: null,
    authenticationContext: {
      authenticationProvider: null,
      credentialProvider: null,
      credentialType: null,
      issuer: null,
      interface: null,
      authenticationStep: 0,
      externalSessionId: null,
      rootSessionId: null,
    },
    securityContext: { asNumber: null, asOrg: null, isp: null, domain: null, isProxy: null },
    outcome: { result: input.outcome?.result ?? 'SUCCESS', reason: input.outcome?.reason ?? null },
    target: input.target ?? [],
    transaction: ctx.transaction,
    debugContext: {
      debugData: {
        // The query string is left out: it is the one part of a URL that may carry a secret.
        ...(ctx.requestUri === null ? {} : { requestId: ctx.transaction.id, requestUri: ctx.requestUri, url: ctx.requestUri }),
        ...input.debugData,
      },
    },
    request: { ipChain: ip === null ? [] : [{ ip, geographicalContext: null, version: isIPv6(ip) ? 'V6' : 'V4', source: null }] },
  };
}
