import type { UserRow } from '#src/users/service.ts';
import type { AppUser } from './assignments.ts';
import type { AppRow, GroupAssignmentRow, SecretRow } from './store.ts';

type Links = Record<string, { href: string }>;

/**
 * Okta's Application object for an `oidc_client`, built field by field: a client secret is never part of it
 * (the create route adds the one it just made, once), and only links Bulwark serves are given.
 */
export function toPublicApp(app: AppRow, baseUrl: string) {
  const self = `${baseUrl}/api/v1/apps/${app.id}`;
  const lifecycle = app.status === 'ACTIVE' ? 'deactivate' : 'activate';
  return {
    id: app.id,
    name: 'oidc_client',
    label: app.label,
    status: app.status,
    created: app.created.toISOString(),
    lastUpdated: app.lastUpdated.toISOString(),
    signOnMode: 'OPENID_CONNECT',
    features: [] as string[],
    credentials: {
      oauthClient: { client_id: app.clientId, token_endpoint_auth_method: app.tokenEndpointAuthMethod, autoKeyRotation: app.autoKeyRotation },
    },
    settings: {
      oauthClient: {
        redirect_uris: app.redirectUris,
        post_logout_redirect_uris: app.postLogoutRedirectUris,
        response_types: app.responseTypes,
        grant_types: app.grantTypes,
        application_type: app.applicationType,
        consent_method: app.consentMethod,
        ...(app.initiateLoginUri === null ? {} : { initiate_login_uri: app.initiateLoginUri }),
        ...(app.jwks === null ? {} : { jwks: app.jwks }),
      },
    },
    _links: {
      self: { href: self },
      users: { href: `${self}/users` },
      groups: { href: `${self}/groups` },
      [lifecycle]: { href: `${self}/lifecycle/${lifecycle}` },
    } as Links,
  };
}

/**
 * Okta's client secret object without `client_secret` and `secret_hash`: after creation Bulwark holds only a
 * hash, and shows its last four characters (`client_secret_hint`) so an admin can tell secrets apart.
 */
export function toPublicSecret(secret: SecretRow, baseUrl: string) {
  const self = `${baseUrl}/api/v1/apps/${secret.appId}/credentials/secrets/${secret.id}`;
  const links: Links = secret.status === 'ACTIVE'
    ? { deactivate: { href: `${self}/lifecycle/deactivate` } }
    : { activate: { href: `${self}/lifecycle/activate` }, delete: { href: self } };
  return {
    id: secret.id,
    status: secret.status,
    client_secret_hint: secret.hint,
    created: secret.created.toISOString(),
    lastUpdated: secret.lastUpdated.toISOString(),
    _links: links,
  };
}

/** Okta's AppUser for a direct assignment; Bulwark provisions nothing, so there is no sync state and no profile. */
export function toPublicAppUser(appId: string, { user, assignment }: AppUser, baseUrl: string) {
  return {
    id: user.id,
    externalId: null,
    created: assignment.created.toISOString(),
    lastUpdated: assignment.lastUpdated.toISOString(),
    scope: 'USER',
    status: 'ACTIVE',
    statusChanged: assignment.created.toISOString(),
    passwordChanged: null,
    syncState: 'DISABLED',
    credentials: { userName: loginOf(user) },
    profile: {},
    _links: { app: { href: `${baseUrl}/api/v1/apps/${appId}` }, user: { href: `${baseUrl}/api/v1/users/${user.id}` } },
  };
}

const loginOf = (user: UserRow) => String(user.profile['login'] ?? '');

/** Okta's ApplicationGroupAssignment. */
export function toPublicAppGroup(appId: string, assignment: GroupAssignmentRow, baseUrl: string) {
  return {
    id: assignment.groupId,
    lastUpdated: assignment.lastUpdated.toISOString(),
    priority: assignment.priority,
    profile: {},
    _links: { app: { href: `${baseUrl}/api/v1/apps/${appId}` }, group: { href: `${baseUrl}/api/v1/groups/${assignment.groupId}` } },
  };
}
