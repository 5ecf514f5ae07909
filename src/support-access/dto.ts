import { SUPPORT_SCOPES } from './scopes.ts';
import { extensionStatus, grantStatus, type GrantRow, type GrantView } from './service.ts';
import type { PreApprovalPolicy } from './policy-service.ts';

/** Who decided: an admin (`by`), or a pre-approval rule of the tenant (`rule`, and no admin). */
const decisionOf = (g: GrantRow) => g.decision && {
  outcome: g.status === 'DENIED' ? 'DENIED' : 'APPROVED',
  by: g.decision.kind === 'ADMIN' ? { id: g.decision.by, name: g.decision.byName } : null,
  rule: g.decision.kind === 'POLICY' ? { name: g.decision.rule } : null,
  at: g.decision.at.toISOString(),
  note: g.decision.note,
};

/** The latest request for more time: waiting (to be decided before the grant ends), or what became of it. */
const extensionOf = (g: GrantView, now: Date) => g.extension && {
  id: g.extension.id,
  status: extensionStatus(g.extension, g, now),
  durationMinutes: g.extension.durationMinutes,
  justification: g.extension.justification,
  requested: g.extension.requested.toISOString(),
  decision: g.extension.decision && {
    outcome: g.extension.status === 'DENIED' ? 'DENIED' : 'APPROVED', by: { id: g.extension.decision.by, name: g.extension.decision.byName },
    at: g.extension.decision.at.toISOString(), note: g.extension.decision.note,
  },
  extendedFrom: g.extension.extendedFrom?.toISOString() ?? null,
  expiresAt: g.extension.expires?.toISOString() ?? null,
};

/** A grant as both sides see it: who from support, against which case, what for, and where it stands now. */
export const toPublicGrant = (g: GrantView, now: Date, organization?: { slug: string; name: string }) => ({
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
  decision: decisionOf(g),
  expiresAt: g.expires?.toISOString() ?? null,
  revocation: g.revocation && { by: { name: g.revocation.byName }, kind: g.revocation.kind, at: g.revocation.at.toISOString() },
  extension: extensionOf(g, now),
});

/** The tenant's pre-approval rules, in the shape a PUT takes back. */
export const toPublicPolicy = (p: PreApprovalPolicy) => ({
  rules: p.rules.map((r) => ({ name: r.name, scopes: r.scopes, severities: r.severities, maxDurationMinutes: r.maxDurationMinutes })),
  lastUpdated: p.lastUpdated?.toISOString() ?? null,
});
