/** A support access grant as both sides see it: the admin console and the support console (src/support-access/dto.ts, docs/support-access.md). */
export type AccessGrantStatus = 'PENDING' | 'APPROVED' | 'DENIED' | 'REVOKED' | 'EXPIRED';

export type AccessScope = { name: string; label: string; write: boolean };

export type AccessGrant = {
  id: string;
  status: AccessGrantStatus;
  /** Staff see it; the organization's admins know who they are. */
  organization?: { slug: string; name: string };
  caseId: string;
  cell: string;
  staff: { name: string; email: string | null };
  justification: string;
  scopes: AccessScope[];
  durationMinutes: number;
  requested: string;
  decideBy: string;
  decision: { outcome: 'APPROVED' | 'DENIED'; by: { id: string; name: string }; at: string; note: string | null } | null;
  expiresAt: string | null;
  revocation: { by: { name: string }; kind: 'ADMIN' | 'STAFF'; at: string } | null;
};
