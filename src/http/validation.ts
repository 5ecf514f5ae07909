import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OktaErrors } from './errors.ts';

// ajv-formats is CommonJS: its plugin is the `default` property of what ESM imports.
const addFormats = addFormatsModule.default;

const common: Options = { removeAdditional: false, useDefaults: true, allErrors: true, allowMatchingProperties: true, allowUnionTypes: true };

/**
 * Two validators: query strings and path parameters arrive as text and are coerced to the schema's types
 * (`?limit=5`), bodies are JSON and must already have them, so `{"name":["x"]}` or `{"limit":"5"}` is a 400
 * rather than something quietly converted.
 */
export function installValidation(app: FastifyInstance): void {
  const strict = new Ajv({ ...common, coerceTypes: false });
  const coercing = new Ajv({ ...common, coerceTypes: true });
  addFormats(strict);
  addFormats(coercing);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));
  app.addHook('preValidation', (request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
    const bad = findUnstorableText(request.body) ?? findUnstorableText(request.query) ?? findUnstorableText(request.params);
    if (bad === undefined) return done();
    done(OktaErrors.validation(bad || 'body', [`${bad || 'body'}: Text cannot contain NUL characters or unpaired surrogates`]));
  });
}

/**
 * The path of the first string PostgreSQL cannot store (NUL, or a lone UTF-16 surrogate), '' for the root,
 * or undefined when there is none. Checked before any handler, so such input never reaches the database.
 */
export function findUnstorableText(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') || !value.isWellFormed() ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  // A streamed upload's body is the request itself, not text to check (its bytes go to their own checks).
  if (Symbol.asyncIterator in value) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (key.includes('\u0000') || !key.isWellFormed()) return at;
    const found = findUnstorableText(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}
