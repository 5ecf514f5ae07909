/**
 * fast-check generators for hostile input: JSON bodies shaped like (and unlike) the API's, query strings over
 * the API's parameter names, and filter expressions over the fields the API really filters on.
 */
import fc from 'fast-check';
import { filterValue, leafOf, treeOf } from '../../src/lib/filter/arbitraries.ts';
import { formatFilter } from '../../src/lib/filter/format.ts';

/** Any text at all: control characters, NUL, lone surrogates and astral planes included. */
const anyText = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme', maxLength: 300 }), fc.constantFrom('', ' ', '\u0000', '\ud800', 'null', '{}', '00u'));

const leaf = fc.oneof(anyText, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const value: fc.Arbitrary<unknown> = fc.oneof({ weight: 4, arbitrary: leaf }, fc.array(leaf, { maxLength: 4 }), fc.dictionary(anyText, leaf, { maxKeys: 3 }));

const PROFILE_KEYS = ['login', 'email', 'firstName', 'lastName', 'name', 'description', 'countryCode', 'secondEmail', 'title', 'customAttr'];

const profile = fc.dictionary(fc.oneof(fc.constantFrom(...PROFILE_KEYS), anyText), value, { maxKeys: 6 });

/** Bodies of every JSON type, and objects close enough to the API's to pass its first checks. */
export const generatedBody: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  value,
  fc.record({ profile, credentials: fc.oneof(value, fc.record({ password: fc.record({ value }) })), groupIds: value }, { requiredKeys: [] }),
  fc.record({ profile: fc.record({ login: anyText, email: anyText, firstName: anyText, lastName: anyText, name: anyText }) }),
  fc.record({ type: value, name: value }, { requiredKeys: [] }),
);

const USER_TEXT_FIELDS = ['firstName', 'lastName', 'title', 'city', 'displayName', 'nickName', 'department', 'customAttr', 'login', 'email'];

/** A valid user body but for one field, so the odd value gets past the schema to the service and the database. */
export const nearlyValidUser: fc.Arbitrary<unknown> = fc.tuple(fc.constantFrom(...USER_TEXT_FIELDS), anyText, fc.nat()).map(([field, text, n]) => ({
  profile: { login: `gen${n}@generated.example.com`, email: `gen${n}@generated.example.com`, firstName: 'Gen', lastName: 'Erated', [field]: text },
}));

/** A valid group body but for the name or the description. */
export const nearlyValidGroup: fc.Arbitrary<unknown> = fc.tuple(fc.constantFrom('name', 'description'), anyText, fc.nat()).map(([field, text, n]) => ({
  profile: { name: `Generated ${n}`, description: 'generated', [field]: text },
}));

/** A token name of any text. */
export const nearlyValidToken: fc.Arbitrary<unknown> = anyText.map((name) => ({ name }));

const QUERY_KEYS = ['q', 'filter', 'search', 'limit', 'after', 'sortBy', 'sortOrder', 'since', 'until', 'expand', 'fields', 'activate'];

/** Query parameters the API knows and ones it does not, with any values. */
export const generatedQuery: fc.Arbitrary<Record<string, string>> = fc.dictionary(
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...QUERY_KEYS) }, anyText),
  fc.oneof(anyText, fc.integer().map(String), fc.constantFrom('ASCENDING', 'DESCENDING', '2026-01-01T00:00:00.000Z', 's1', 'p0.1')),
  { maxKeys: 4 },
);

const FIELDS = [
  'id', 'status', 'created', 'lastUpdated', 'lastMembershipUpdated', 'type', 'profile.login', 'profile.email', 'profile.firstName',
  'profile.name', 'profile.description', 'profile.customAttr', 'eventType', 'actor.id', 'target.id', 'outcome.result',
  'debugContext.debugData.url', 'client.ipAddress', 'published', 'severity',
];

/** Expressions that parse and name real fields (so they reach SQL), mixed with raw text that mostly does not. */
export const generatedExpression: fc.Arbitrary<string> = fc.oneof(
  treeOf(leafOf(fc.constantFrom(...FIELDS), filterValue), 3).map(formatFilter),
  anyText,
);
