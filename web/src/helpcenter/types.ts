/** The wire shapes of the Help Center's case routes (src/cases/dto.ts, src/cases/staff-routes.ts). */
export type CaseStatus = 'OPEN' | 'WAITING_ON_CUSTOMER' | 'CLOSED';

export type Comment = { id: string; author: { kind: 'CUSTOMER' | 'STAFF'; name: string }; body: string; created: string };

export type SupportCase = {
  id: string;
  number: number;
  title: string;
  description: string;
  severity: string;
  productArea: string;
  status: CaseStatus;
  openedBy: { name: string };
  created: string;
  lastUpdated: string;
  closed: string | null;
  organization?: { id: string; slug: string; name: string };
};

export type CaseWithComments = SupportCase & { comments: Comment[] };

export const STATUS_WORDS: Record<CaseStatus, string> = { OPEN: 'Open', WAITING_ON_CUSTOMER: 'Waiting on you', CLOSED: 'Closed' };

export const SEVERITY_WORDS: Record<string, string> = {
  SEV1: 'Severity 1: sign-in is down for everyone',
  SEV2: 'Severity 2: many people are affected',
  SEV3: 'Severity 3: some people are affected',
  SEV4: 'Severity 4: a question or a small problem',
};

export const AREA_WORDS: Record<string, string> = {
  SIGN_IN: 'Sign-in', MFA: 'Factors and passkeys', DIRECTORY: 'Users and groups', SSO: 'Apps and single sign-on',
  SYSTEM_LOG: 'System Log', API: 'API', ADMIN_CONSOLE: 'Admin console', OTHER: 'Something else',
};
