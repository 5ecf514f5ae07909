import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import logEventSchema from './log-event.schema.json' with { type: 'json' };

const ajv = new Ajv2020({
  allErrors: true,
  // Gives each error its parentSchema, whose `description` words pattern failures for people.
  verbose: true,
  strict: true,
  // The strict profile requires fields that the lenient root declares, which this check cannot see.
  strictRequired: false,
  // Okta's nullable and dual-typed fields (`version` is "0" or 0) need `type: [a, b]`.
  allowUnionTypes: true,
});
ajv.addSchema(logEventSchema);

function compiled(ref: string): ValidateFunction {
  const validate = ajv.getSchema(ref);
  if (!validate) throw new Error(`log-event.schema.json has no schema at ${ref}`);
  return validate;
}

const validateOkta = compiled(logEventSchema.$id);
const validateBulwark = compiled(`${logEventSchema.$id}#/$defs/BulwarkLogEvent`);

function describe(error: ErrorObject): string {
  const where = error.instancePath === '' ? 'event' : `event${error.instancePath.replaceAll('/', '.')}`;
  const params: Record<string, unknown> = error.params;
  switch (error.keyword) {
    case 'unevaluatedProperties':
      return `${where} has unknown property '${String(params['unevaluatedProperty'])}'`;
    case 'additionalProperties':
      return `${where} has unknown property '${String(params['additionalProperty'])}'`;
    case 'enum':
      return `${where} must be one of ${JSON.stringify(params['allowedValues'])}`;
    case 'const':
      return `${where} must be ${JSON.stringify(params['allowedValue'])}`;
    case 'pattern': {
      const description: unknown = error.parentSchema?.['description'];
      return typeof description === 'string' ? `${where} must be ${description}` : `${where} ${error.message}`;
    }
    default:
      return `${where} ${error.message ?? `fails ${error.keyword}`}`;
  }
}

function run(validate: ValidateFunction, ev: unknown): string[] {
  if (validate(ev)) return [];
  // An 'if' error only says "must match then", and the failing 'then' keyword is reported beside it.
  const errors = (validate.errors ?? []).filter((error) => error.keyword !== 'if');
  // allOf and anyOf can report the same fault along two schema paths; report it once.
  return [...new Set(errors.map(describe))];
}

/**
 * Checks an event against Okta's LogEvent shape as Okta (and tools replaying Okta data) emit it:
 * unknown properties are allowed and most fields may be null or missing.
 * Returns human-readable problems; empty when the event is valid.
 */
export function validateOktaLogEvent(ev: unknown): string[] {
  return run(validateOkta, ev);
}

/**
 * Checks an event against the strict profile every event Bulwark writes must meet: all LogEvent
 * fields present, `published` as a UTC timestamp with milliseconds, `version` "0", and no
 * top-level property besides Okta's and the optional `bulwark` hash-chain object.
 * Returns human-readable problems; empty when the event is valid.
 */
export function validateBulwarkLogEvent(ev: unknown): string[] {
  return run(validateBulwark, ev);
}
