import type { FastifyRequest } from 'fastify';
import { AppError } from '#src/http/errors.ts';
import { auditContextOf, principalOf } from '#src/http/request-context.ts';
import { ADMIN_CONSOLE, appTarget } from '#src/policy/sign-on.ts';
import { roleTypesOf } from '#src/roles/service.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { adminSessionSettings } from './settings.ts';

/**
 * Protected actions (Okta's name; docs/admin-sessions.md): the changes an attacker riding an admin session
 * wants most (an admin's factors or password, API tokens, roles, policies, these settings, support access)
 * need a passkey proved within the tenant's window (5 minutes by default). Refused, the admin console asks
 * for the passkey (step-up) and retries. API tokens are a credential of their own and are not asked:
 * creating one is itself protected.
 */
export async function protectedActionRefusal(request: FastifyRequest, action: string): Promise<AppError | undefined> {
  const principal = principalOf(request);
  if (principal.via.kind !== 'session') return undefined;
  const { db, clock } = request.server.deps;
  const now = clock.now();
  const { protectedActionMinutes } = await adminSessionSettings(db, principal.tenant.id, now.getTime());
  const last = principal.via.lastPhishingResistant;
  if (last !== null && now.getTime() - last.getTime() < protectedActionMinutes * 60_000) return undefined;
  await db.transaction().execute((tx) => recordEvents(tx, clock, principal.tenant.id, auditContextOf(request), [{
    eventType: 'security.protected_action.attempt',
    displayMessage: 'Protected action attempted without recent authentication',
    outcome: { result: 'DENY', reason: 'STEP_UP_REQUIRED' },
    target: [appTarget(ADMIN_CONSOLE)],
    debugData: { protectedAction: action, lastPhishingResistantAuthentication: last?.toISOString() ?? null, protectedActionMinutes },
  }]));
  return new AppError(403, 'E0000006', 'This is a protected action. Please perform step-up authentication.',
    [`authentication: ${action} needs a passkey within the last ${protectedActionMinutes} minutes`],
    { 'www-authenticate': `DPoP error="insufficient_user_authentication", error_description="A passkey is needed", max_age=${protectedActionMinutes * 60}` });
}

/**
 * For actions protected only when their target holds an admin role (resetting an admin's factors or password):
 * throws the refusal, if any.
 */
export async function assertProtectedIfAdmin(request: FastifyRequest, userId: string, action: string): Promise<void> {
  const principal = principalOf(request);
  if (principal.via.kind !== 'session') return;
  if ((await roleTypesOf(request.server.deps.db, principal.tenant.id, userId)).size === 0) return;
  const refusal = await protectedActionRefusal(request, `${action} of an admin`);
  if (refusal) throw refusal;
}
