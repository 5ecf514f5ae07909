/**
 * Wire schemas of /api/v1/apps: what Fastify validates on the way in and serializes on the way out. The
 * response schemas name every field, so nothing else (a hash, a secret) can reach the wire.
 */

const uri = { type: 'string', minLength: 1, maxLength: 2048 };
const uriList = (minItems: number) => ({ type: 'array', minItems, maxItems: 20, uniqueItems: true, items: uri });
const authMethod = { type: 'string', enum: ['client_secret_basic', 'private_key_jwt', 'none'] };

/** A JWK is checked by the service with jose; here only its outline, so `kid` and `alg` are strings. */
const jwk = {
  type: 'object',
  required: ['kty'],
  properties: { kty: { type: 'string', maxLength: 10 }, kid: { type: 'string', minLength: 1, maxLength: 200 }, alg: { type: 'string', maxLength: 20 } },
};

const oauthClientSettings = {
  type: 'object',
  additionalProperties: false,
  required: ['redirect_uris', 'application_type'],
  properties: {
    redirect_uris: uriList(1),
    post_logout_redirect_uris: uriList(0),
    response_types: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: ['code'] } },
    grant_types: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: ['authorization_code', 'refresh_token'] } },
    application_type: { type: 'string', enum: ['web', 'native', 'browser'] },
    consent_method: { type: 'string', enum: ['REQUIRED', 'TRUSTED'] },
    initiate_login_uri: { ...uri, type: ['string', 'null'] },
    jwks: {
      type: 'object',
      additionalProperties: false,
      required: ['keys'],
      properties: { keys: { type: 'array', minItems: 1, maxItems: 10, items: jwk } },
    },
  },
};

const credentials = {
  type: 'object',
  additionalProperties: false,
  properties: {
    oauthClient: {
      type: 'object',
      additionalProperties: false,
      properties: { client_id: { type: 'string', minLength: 1, maxLength: 100 }, token_endpoint_auth_method: authMethod, autoKeyRotation: { type: 'boolean' } },
    },
  },
};

const appFields = {
  name: { type: 'string', enum: ['oidc_client'] },
  // At least one visible character: a blank label would be unfindable in every list.
  label: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' },
  signOnMode: { type: 'string', enum: ['OPENID_CONNECT'] },
  credentials,
  settings: { type: 'object', additionalProperties: false, required: ['oauthClient'], properties: { oauthClient: oauthClientSettings } },
};

export const createAppBody = { type: 'object', additionalProperties: false, required: ['name', 'label', 'signOnMode', 'settings'], properties: appFields };

export const replaceAppBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'label', 'signOnMode', 'settings'],
  properties: {
    ...appFields,
    // Clients that GET, edit and PUT an app send back read-only fields; Okta ignores them and so do we.
    id: { type: 'string' }, status: { type: 'string' }, created: {}, lastUpdated: {}, features: { type: 'array' }, _links: { type: 'object' }, _embedded: { type: 'object' },
  },
};

export const createAppQuery = { type: 'object', additionalProperties: false, properties: { activate: { type: 'boolean', default: true } } };

export const listAppsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', minLength: 1, maxLength: 100 },
    filter: { type: 'string', minLength: 1, maxLength: 1024 },
    limit: { type: 'integer', minimum: 1, maximum: 200 },
    after: { type: 'string', minLength: 1, maxLength: 100 },
  },
};

export const pageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: 200 }, after: { type: 'string', minLength: 1, maxLength: 100 } },
};

const id = { type: 'string', minLength: 1, maxLength: 100 };
const params = (...names: string[]) => ({ type: 'object', required: names, properties: Object.fromEntries(names.map((n) => [n, id])) });

export const appParams = params('appId');
export const secretParams = params('appId', 'secretId');
export const appUserParams = params('appId', 'userId');
export const appGroupParams = params('appId', 'groupId');

export const assignUserBody = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id, scope: { type: 'string', enum: ['USER'] } },
};

/** Okta's body is optional: `{}` or `{"priority": n}`. */
export const assignGroupBody = {
  type: 'object',
  additionalProperties: false,
  properties: { priority: { type: 'integer', minimum: 0, maximum: 100 } },
};

/** Okta lets a caller bring its own secret value; Bulwark always makes it, so only `status: ACTIVE` is taken. */
export const createSecretBody = { type: 'object', additionalProperties: false, properties: { status: { type: 'string', enum: ['ACTIVE'] } } };

const links = { type: 'object', additionalProperties: { type: 'object', properties: { href: { type: 'string' } } } };
const strings = { type: 'array', items: { type: 'string' } };

const oauthClientOut = {
  type: 'object',
  properties: {
    redirect_uris: strings, post_logout_redirect_uris: strings, response_types: strings, grant_types: strings,
    application_type: { type: 'string' }, consent_method: { type: 'string' }, initiate_login_uri: { type: 'string' },
    jwks: { type: 'object', properties: { keys: { type: 'array', items: { type: 'object', additionalProperties: true } } } },
  },
};

function appResponseWith(secret: boolean) {
  return {
    type: 'object',
    properties: {
      id: { type: 'string' }, name: { type: 'string' }, label: { type: 'string' }, status: { type: 'string' },
      created: { type: 'string' }, lastUpdated: { type: 'string' }, signOnMode: { type: 'string' }, features: strings,
      credentials: {
        type: 'object',
        properties: {
          oauthClient: {
            type: 'object',
            properties: {
              client_id: { type: 'string' }, token_endpoint_auth_method: { type: 'string' }, autoKeyRotation: { type: 'boolean' },
              ...(secret ? { client_secret: { type: 'string' } } : {}),
            },
          },
        },
      },
      settings: { type: 'object', properties: { oauthClient: oauthClientOut } },
      _links: links,
    },
  };
}

export const appResponse = appResponseWith(false);
/** Only the answer to a create carries the new client secret. */
export const createdAppResponse = appResponseWith(true);
export const appsResponse = { type: 'array', items: appResponse };

function secretResponseWith(secret: boolean) {
  return {
    type: 'object',
    properties: {
      id: { type: 'string' }, status: { type: 'string' }, client_secret_hint: { type: 'string' },
      ...(secret ? { client_secret: { type: 'string' } } : {}),
      created: { type: 'string' }, lastUpdated: { type: 'string' }, _links: links,
    },
  };
}

export const secretResponse = secretResponseWith(false);
export const createdSecretResponse = secretResponseWith(true);
export const secretsResponse = { type: 'array', items: secretResponse };

export const appUserResponse = {
  type: 'object',
  properties: {
    id: { type: 'string' }, externalId: { type: 'null' }, created: { type: 'string' }, lastUpdated: { type: 'string' },
    scope: { type: 'string' }, status: { type: 'string' }, statusChanged: { type: 'string' }, passwordChanged: { type: 'null' },
    syncState: { type: 'string' }, credentials: { type: 'object', properties: { userName: { type: 'string' } } }, profile: { type: 'object' }, _links: links,
  },
};
export const appUsersResponse = { type: 'array', items: appUserResponse };

export const appGroupResponse = {
  type: 'object',
  properties: { id: { type: 'string' }, lastUpdated: { type: 'string' }, priority: { type: 'integer' }, profile: { type: 'object' }, _links: links },
};
export const appGroupsResponse = { type: 'array', items: appGroupResponse };

/** Okta answers lifecycle calls with an empty object. */
export const emptyResponse = { type: 'object', properties: {} };

/**
 * A `preValidation` hook for the routes whose body Okta makes optional (a new secret, a group assignment): no
 * body at all reads as `{}`, and whatever body is sent still meets the schema.
 */
export function emptyBodyAsObject(request: { body: unknown }, _reply: unknown, done: () => void): void {
  request.body ??= {};
  done();
}
