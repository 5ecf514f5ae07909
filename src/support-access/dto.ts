import { SUPPORT_SCOPES } from './scopes.ts';
import { grantStatus, type GrantRow } from './service.ts';

/** A grant as both sides see it: who from support, against which case, what for, and where it stands now. */
export const toPublicGrant = (g: GrantRow, now: Date, organization?: { slug: string; name: string }) => ({
  id: g.id,
  status: grantStatus(g, now),
  ...(organization ? { organization } : {}),
  caseId: g.caseId,
  cell: g.cell,
  staff: { name: g.staff.name, email: g.staff.email },
  justification: g.justification,
  scopes: g.scopes.map((s) => ({ name: s, label: SUPPORT_SCOPES[s].label, write: SUPPORT_SCOPES[s].write })),
  durationMinutes: g.durationMinutes,
  requested: g.requested.toISOString(),
  decideBy: g.decideBy.toISOString(),
  decision: g.decision && { outcome: g.status === 'DENIED' ? 'DENIED' : 'APPROVED', by: { id: g.decision.by, name: g.decision.byName }, at: g.decision.at.toISOString(), note: g.decision.note },
  expiresAt: g.expires?.toISOString() ?? null,
  revocation: g.revocation && { by: { name: g.revocation.byName }, kind: g.revocation.kind, at: g.revocation.at.toISOString() },
});
