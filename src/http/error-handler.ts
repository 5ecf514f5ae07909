import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, OktaErrors } from './errors.ts';

type ValidationIssue = { instancePath?: string; params?: Record<string, unknown>; message?: string };

/** `/profile/login` + missing property `x` → `profile.login.x`, the field name Okta's causes use. */
function fieldOf(issue: ValidationIssue, context: string | undefined): string {
  const base = (issue.instancePath ?? '').split('/').filter(Boolean).join('.');
  const extra = issue.params?.['missingProperty'] ?? issue.params?.['additionalProperty'];
  const path = [base, typeof extra === 'string' ? extra : ''].filter(Boolean).join('.');
  return path || context || 'body';
}

function describeIssue(issue: ValidationIssue): string {
  if (issue.params?.['additionalProperty'] !== undefined) return 'Property is not recognized';
  if (issue.params?.['missingProperty'] !== undefined) return 'The field cannot be left blank';
  return issue.message ?? 'is not valid';
}

/** Maps Fastify's own errors (parsing, validation, limits) onto Okta's catalogue. */
function fromFastify(err: FastifyError): AppError | undefined {
  if (err.validation) {
    const issues = err.validation as ValidationIssue[];
    const fields = issues.map((i) => fieldOf(i, err.validationContext));
    return OktaErrors.validation(fields.join(', '), issues.map((i, n) => `${fields[n]}: ${describeIssue(i)}`));
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return OktaErrors.payloadTooLarge();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return OktaErrors.unsupportedMediaType();
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return OktaErrors.malformedBody();
  }
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) return OktaErrors.malformedBody();
  return undefined;
}

export function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  return reply
    .code(error.status)
    .headers(error.headers)
    .type('application/json')
    .send({
      errorCode: error.errorCode,
      errorSummary: error.message,
      errorLink: error.errorCode,
      errorId: `oae${reply.request.id}`,
      errorCauses: error.causes.map((errorSummary) => ({ errorSummary })),
    });
}

/**
 * Errors the router raises before any route or hook runs (Fastify's `frameworkErrors`): a URL that does not
 * decode, a path parameter longer than the router keeps, in Okta's error object like everything else.
 */
export function frameworkError(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') return sendError(reply, OktaErrors.pathNotFound());
  return sendError(reply, OktaErrors.validation('path', ['path: The URL is not valid']));
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const known = err instanceof AppError ? err : fromFastify(err);
    if (known) return sendError(reply, known);
    request.log.error({ err }, 'unhandled error');
    return sendError(reply, OktaErrors.internal());
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, OktaErrors.pathNotFound()));
}
