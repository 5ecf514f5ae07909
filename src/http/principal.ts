import type { Permission, RoleType } from '#src/roles/permissions.ts';
import type { LogActor } from '#src/syslog/log-event.ts';

/**
 * The authenticated caller of an API request in one tenant: an API token acting with its creator's rights,
 * or an admin console session (docs/admin-sessions.md) acting with its user's.
 */
export type Principal = {
  tenant: { id: string; slug: string; cell: string };
  user: { id: string; login: string; displayName: string };
  via: { kind: 'token'; tokenId: string } | { kind: 'session'; sessionId: string; lastPhishingResistant: Date | null }
    /** Support staff under a grant of the tenant (docs/support-access.md). */
    | { kind: 'support'; tokenId: string; grantId: string; caseId: string; cell: string };
  roles: ReadonlySet<RoleType>;
  permissions: ReadonlySet<Permission>;
};

/**
 * The System Log actor of a principal: support staff under a grant are named as what they are, with the grant,
 * the case and the plane they act under. Keys in RFC 8785 order, as build-event.ts explains.
 */
export function principalActor(p: Principal): LogActor {
  const { via } = p;
  const support = via.kind === 'support';
  return {
    alternateId: p.user.login, detailEntry: support ? { caseId: via.caseId, supportAccessGrantId: via.grantId, supportPlane: via.cell } : null,
    displayName: p.user.displayName, id: p.user.id, type: support ? 'SupportStaff' : 'User',
  };
}

/** What `transaction.detail` says of how the principal got in: its API token, or the grant and case of support. */
export function principalDetail(p: Principal): Record<string, unknown> {
  const { via } = p;
  if (via.kind === 'token') return { requestApiTokenId: via.tokenId };
  if (via.kind === 'support') return { caseId: via.caseId, supportAccessGrantId: via.grantId };
  return {};
}
