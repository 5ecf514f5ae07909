import { APP_NAMES, MAX_SESSION_MINUTES } from './sign-on-rules.ts';
import { MAX_RULES } from './sign-on.ts';

const strict = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', properties, required, additionalProperties: false });
const oktaId = { type: 'string', pattern: '^[0-9A-Za-z]{20}$' };
const idList = (item: unknown) => ({ type: 'array', items: item, maxItems: 100, uniqueItems: true, default: [] });
const includeExclude = (item: unknown) => strict({ include: idList(item), exclude: idList(item) });
const minutes = { type: 'integer', minimum: 1, maximum: MAX_SESSION_MINUTES };

/**
 * An OKTA_SIGN_ON rule as a client sends it. Fields left out of `actions.signon` take the defaults below,
 * and session lifetimes the installation's (sign-on.ts); conditions left out match anything. Read-only fields a client sends back after a GET are accepted and
 * ignored.
 */
export const ruleBody = strict({
  id: { type: 'string' },
  type: { type: 'string', const: 'SIGN_ON' },
  name: { type: 'string', minLength: 1, maxLength: 255 },
  priority: { type: 'integer', minimum: 1, maximum: MAX_RULES },
  status: { type: 'string', enum: ['ACTIVE', 'INACTIVE'] },
  system: { type: 'boolean' },
  created: { type: ['string', 'null'] },
  lastUpdated: { type: ['string', 'null'] },
  _links: { type: 'object' },
  conditions: {
    type: ['object', 'null'],
    properties: {
      people: strict({ groups: includeExclude(oktaId), users: includeExclude(oktaId) }),
      network: strict({
        connection: { type: 'string', enum: ['ANYWHERE', 'ZONE'] },
        include: idList({ anyOf: [oktaId, { const: 'ALL_ZONES' }] }),
        exclude: idList(oktaId),
      }, ['connection']),
      // A built-in app, or one of the tenant's OpenID Connect apps by id.
      app: includeExclude({ anyOf: [{ type: 'string', enum: APP_NAMES }, { type: 'string', pattern: '^0oa[0-9A-Za-z]{17}$' }] }),
      authContext: strict({ authType: { type: 'string', const: 'ANY' } }),
    },
    additionalProperties: false,
  },
  actions: strict({
    signon: strict({
      access: { type: 'string', enum: ['ALLOW', 'DENY'] },
      requireFactor: { type: 'boolean', default: false },
      phishingResistant: { type: 'string', enum: ['REQUIRED', 'OPTIONAL'], default: 'OPTIONAL' },
      factorPromptMode: { type: 'string', enum: ['ALWAYS', 'SESSION'], default: 'SESSION' },
      factorLifetime: minutes,
      rememberDeviceByDefault: { type: 'boolean', const: false, default: false },
      primaryFactor: { type: 'string', const: 'PASSWORD_IDP_ANY_FACTOR' },
      session: {
        ...strict({
          usePersistentCookie: { type: 'boolean', const: false, default: false },
          maxSessionIdleMinutes: minutes,
          maxSessionLifetimeMinutes: minutes,
        }),
        default: {},
      },
    }, ['access']),
  }, ['signon']),
}, ['name', 'actions']);

const gateway = strict({ type: { type: 'string', enum: ['CIDR', 'RANGE'] }, value: { type: 'string', minLength: 3, maxLength: 100 } }, ['type', 'value']);

/** Okta's network zone: IP (gateways) or DYNAMIC (asns, locations); `usage` POLICY only. */
export const zoneBody = strict({
  id: { type: 'string' },
  type: { type: 'string', enum: ['IP', 'DYNAMIC'] },
  name: { type: 'string', minLength: 1, maxLength: 128 },
  status: { type: 'string', enum: ['ACTIVE', 'INACTIVE'] },
  usage: { type: 'string', const: 'POLICY' },
  system: { type: 'boolean', const: false },
  gateways: { type: ['array', 'null'], items: gateway, maxItems: 150 },
  proxies: { type: ['array', 'null'], maxItems: 0 },
  asns: { type: ['array', 'null'], items: { type: 'string', pattern: '^[0-9]{1,10}$' }, maxItems: 150 },
  locations: { type: ['array', 'null'], items: strict({ country: { type: 'string', pattern: '^[A-Z]{2}$' }, region: { type: 'null' } }, ['country']), maxItems: 250 },
  proxyType: { type: ['string', 'null'], enum: [null, 'Any'] },
  created: { type: ['string', 'null'] },
  lastUpdated: { type: ['string', 'null'] },
  _links: { type: 'object' },
}, ['type', 'name']);
