import { listQuerySchema } from '#src/http/list-query.ts';

/** Wire schemas of /api/v1/users: what Fastify validates on the way in and serializes on the way out. */

const str = (maxLength: number, minLength = 0) => ({ type: ['string', 'null'], minLength, maxLength });

/** Okta's standard profile attributes; the columns of the leaked help-center report are all here. */
export const standardProfileProperties = {
  login: { type: 'string', minLength: 5, maxLength: 100, pattern: '^\\S+$' },
  email: { type: 'string', format: 'email', minLength: 5, maxLength: 100 },
  secondEmail: { type: ['string', 'null'], format: 'email', maxLength: 100 },
  firstName: str(50, 1),
  lastName: str(50, 1),
  middleName: str(50),
  honorificPrefix: str(50),
  honorificSuffix: str(50),
  title: str(100),
  displayName: str(100),
  nickName: str(100),
  profileUrl: str(1024),
  primaryPhone: str(100),
  mobilePhone: str(100),
  streetAddress: str(1024),
  city: str(128),
  state: str(128),
  zipCode: str(50),
  countryCode: { type: ['string', 'null'], pattern: '^[A-Za-z]{2}$' },
  postalAddress: str(4096),
  preferredLanguage: str(50),
  locale: str(50),
  timezone: str(100),
  userType: str(100),
  employeeNumber: str(100),
  costCenter: str(100),
  organization: str(100),
  division: str(100),
  department: str(100),
  managerId: str(100),
  manager: str(100),
} as const;

/** Custom attributes: scalars or arrays of scalars, with names Okta's filter grammar can address. */
const customValue = {
  anyOf: [
    { type: ['string', 'null'], maxLength: 4096 },
    { type: ['number', 'boolean'] },
    { type: 'array', maxItems: 100, items: { type: ['string', 'number', 'boolean'], maxLength: 4096 } },
  ],
};

const profile = (required: readonly string[]) => ({
  type: 'object',
  properties: standardProfileProperties,
  patternProperties: { '^[A-Za-z][A-Za-z0-9_]{0,63}$': customValue },
  additionalProperties: false,
  maxProperties: 200,
  required,
});

const credentials = {
  type: 'object',
  additionalProperties: false,
  properties: {
    password: { type: 'object', additionalProperties: false, properties: { value: { type: 'string', minLength: 1, maxLength: 256 } } },
    provider: {
      type: 'object',
      additionalProperties: false,
      properties: { type: { const: 'OKTA' }, name: { const: 'OKTA' } },
    },
  },
};

export const createUserBody = {
  type: 'object',
  additionalProperties: false,
  required: ['profile'],
  properties: {
    profile: profile(['login', 'email', 'firstName', 'lastName']),
    credentials,
    groupIds: { type: 'array', maxItems: 100, uniqueItems: true, items: { type: 'string', pattern: '^[0-9A-Za-z]{20}$' } },
    type: { type: 'object', additionalProperties: false, properties: { id: { type: 'string', maxLength: 64 } } },
  },
};

export const partialUpdateBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    profile: profile([]),
    credentials,
  },
};

export const replaceUserBody = {
  type: 'object',
  additionalProperties: false,
  required: ['profile'],
  properties: {
    profile: profile(['login', 'email', 'firstName', 'lastName']),
    credentials,
    // Clients that GET, edit and PUT a user send back read-only fields; Okta ignores them and so do we.
    id: { type: 'string' }, status: { type: 'string' }, created: {}, activated: {}, statusChanged: {}, lastLogin: {},
    lastUpdated: {}, passwordChanged: {}, type: { type: 'object' }, _links: { type: 'object' }, _embedded: { type: 'object' },
    transitioningToStatus: {}, realmId: {},
  },
};

/**
 * The attributes a user may change in their own profile (the MyAccount API): how they are named and reached.
 * Never `login` or `email`, which sign-in and recovery go by, nor what the organization keeps about them
 * (department, manager, employee number…).
 */
export const SELF_EDITABLE = [
  'firstName', 'lastName', 'middleName', 'honorificPrefix', 'honorificSuffix', 'displayName', 'nickName', 'title',
  'mobilePhone', 'primaryPhone', 'locale', 'preferredLanguage', 'timezone',
] as const;

/**
 * PUT /idp/myaccount/profile: the whole profile, as GET answered it (Okta's MyAccount replaces, it never
 * merges). Each attribute has its Users API schema; which may change is the service's rule.
 */
export const myProfileBody = {
  type: 'object',
  additionalProperties: false,
  required: ['profile'],
  properties: { profile: profile([]) },
};

export const createUserQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    activate: { type: 'boolean', default: true },
    provider: { type: 'boolean', default: false },
    nextLogin: { type: 'string', enum: ['changePassword'] },
  },
};

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 100 } },
};

export const listUsersQuery = listQuerySchema;

export const lifecycleQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    sendEmail: { type: 'boolean', default: false },
    revokeSessions: { type: 'boolean', default: false },
  },
};

const link = { type: 'object', properties: { href: { type: 'string' }, method: { type: 'string' } } };

export const userResponse = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { type: 'string' },
    created: { type: 'string' },
    activated: { type: ['string', 'null'] },
    statusChanged: { type: ['string', 'null'] },
    lastLogin: { type: ['string', 'null'] },
    lastUpdated: { type: 'string' },
    passwordChanged: { type: ['string', 'null'] },
    type: { type: 'object', properties: { id: { type: 'string' } } },
    profile: { type: 'object', additionalProperties: true },
    credentials: {
      type: 'object',
      properties: {
        password: { type: 'object', properties: {} },
        provider: { type: 'object', properties: { type: { type: 'string' }, name: { type: 'string' } } },
      },
    },
    _links: { type: 'object', additionalProperties: link },
  },
};
