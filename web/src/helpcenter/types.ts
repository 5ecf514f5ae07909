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

export type Attachment = {
  id: string;
  name: string;
  kind: 'har' | 'json' | 'text';
  size: number;
  sha256: string;
  removed: Record<string, number>;
  uploadedBy: { kind: 'CUSTOMER' | 'STAFF'; name: string };
  created: string;
};

export type CaseWithComments = SupportCase & { comments: Comment[]; attachments: Attachment[] };

/** What the sanitizer removes, by kind (src/attachments/redactions.ts), as people say it. */
const REMOVAL_WORDS: Record<string, [string, string]> = {
  cookie: ['cookie', 'cookies'], set_cookie: ['cookie set by a server', 'cookies set by servers'],
  authorization_header: ['authorization header', 'authorization headers'], api_key: ['API key', 'API keys'],
  bearer_token: ['bearer token', 'bearer tokens'], jwt: ['JSON Web Token', 'JSON Web Tokens'], saml: ['SAML message', 'SAML messages'],
  oauth_parameter: ['OAuth value', 'OAuth values'], password: ['password', 'passwords'], session_id: ['session id', 'session ids'],
  csrf_token: ['anti-forgery token', 'anti-forgery tokens'], url_credentials: ['credential in an address', 'credentials in addresses'],
  private_key: ['private key', 'private keys'], secret_field: ['other secret', 'other secrets'],
};

/** "3 cookies, 1 password", or that nothing was found. */
export function removalSummary(removed: Record<string, number>): string {
  const parts = Object.entries(removed).filter(([, n]) => n > 0).map(([kind, n]) => {
    const words = REMOVAL_WORDS[kind] ?? [kind, kind];
    return `${n} ${n === 1 ? words[0] : words[1]}`;
  });
  return parts.length === 0 ? 'nothing secret was found' : parts.join(', ');
}

export function sizeWords(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

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
