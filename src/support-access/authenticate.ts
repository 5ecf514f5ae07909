import type { Db } from '#src/db/database.ts';
import type { Principal } from '#src/http/principal.ts';
import type { Clock } from '#src/lib/clock.ts';
import { sha256Hex } from '#src/lib/secrets.ts';
import type { RoleType } from '#src/roles/permissions.ts';
import { permissionsOfScopes, SUPPORT_SCOPES } from './scopes.ts';
import { grantStatus } from './service.ts';
import { tokenFacts } from './store.ts';

const SUPPORT = /^Support ([A-Za-z0-9_-]{40,100})$/;

/** Whether an `Authorization` header is a support token's (and so for this authenticator, and no other). */
export const presentsSupportToken = (header: string | undefined): boolean => header?.startsWith('Support ') ?? false;

/**
 * The principal an `Authorization: Support …` header stands for, or null. Nothing is cached: every request
 * checks the grant whole (approved and not past its time, nor the token past its own nor revoked), its case still open,
 * and the staff member's account in the support plane still active, so a revocation takes effect at once.
 * The principal may do what its scopes allow and nothing else; with a write scope it acts as the help desk
 * does, on users who hold no admin role only (roles/permissions.ts, mayActOn).
 */
export async function authenticateSupport(db: Db, clock: Clock, header: string | undefined): Promise<Principal | null> {
  const token = SUPPORT.exec(header ?? '')?.[1];
  if (token === undefined) return null;
  const facts = await tokenFacts(db, sha256Hex(token));
  if (!facts) return null;
  const now = clock.now();
  const { grant } = facts;
  if (grantStatus(grant, now) !== 'APPROVED' || now >= facts.tokenExpires || facts.tokenRevoked !== null || facts.caseStatus === 'CLOSED' || facts.staffStatus !== 'ACTIVE') return null;
  const writes = grant.scopes.some((s) => SUPPORT_SCOPES[s].write);
  return {
    tenant: facts.tenant,
    user: { id: grant.staff.subject, login: grant.staff.email ?? grant.staff.subject, displayName: grant.staff.name },
    via: { kind: 'support', tokenId: facts.tokenId, grantId: grant.id, caseId: grant.caseId, cell: grant.cell },
    roles: new Set<RoleType>(writes ? ['HELP_DESK_ADMIN'] : []),
    permissions: permissionsOfScopes(grant.scopes),
  };
}
