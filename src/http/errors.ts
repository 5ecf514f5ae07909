/**
 * The one error hierarchy. Services throw these; `sendError` (http/error-handler.ts) turns them into Okta's
 * error object exactly once. Anything else that escapes becomes a generic E0000009 and is logged in full.
 */
export class AppError extends Error {
  readonly status: number;
  readonly errorCode: string;
  readonly causes: readonly string[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, errorCode: string, summary: string, causes: readonly string[] = [], headers: Record<string, string> = {}) {
    super(summary);
    this.name = 'AppError';
    this.status = status;
    this.errorCode = errorCode;
    this.causes = causes;
    this.headers = headers;
  }
}

/** Okta's codes (developer.okta.com/docs/reference/error-codes), named for what they mean here. */
export const OktaErrors = {
  validation: (detail: string, causes: readonly string[] = []) =>
    new AppError(400, 'E0000001', `Api validation failed: ${detail}`, causes),
  invalidRequest: (detail: string) => new AppError(400, 'E0000002', `The request was not valid: ${detail}`),
  malformedBody: () => new AppError(400, 'E0000003', 'The request body was not well-formed.'),
  authenticationFailed: () => new AppError(401, 'E0000004', 'Authentication failed'),
  forbidden: () => new AppError(403, 'E0000006', 'You do not have permission to perform the requested action'),
  notFound: (what: string) => new AppError(404, 'E0000007', `Not found: Resource not found: ${what}`),
  pathNotFound: () => new AppError(404, 'E0000008', 'The requested path was not found'),
  internal: () => new AppError(500, 'E0000009', 'Internal Server Error'),
  invalidToken: () => new AppError(401, 'E0000011', 'Invalid token provided'),
  alreadyActive: () => new AppError(403, 'E0000016', 'Activation failed because the user is already active'),
  methodNotAllowed: () => new AppError(405, 'E0000022', 'The endpoint does not support the provided HTTP method'),
  invalidDateValue: (field: string) => new AppError(400, 'E0000030',
    "Bad request. Invalid date. Dates must be of the form yyyy-MM-dd'T'HH:mm:ss.SSSZZ, e.g. 2013-01-01T12:00:00.000-07:00.", [`${field}: not a date`]),
  invalidPaging: () => new AppError(400, 'E0000029', 'Invalid paging request.'),
  invalidDate: (param: string) => {
    const detail = `'${param}': The date format in your query is not recognized. Please enter dates using ISO8601 string format.`;
    return new AppError(400, 'E0000001', `Api validation failed: ${detail}`, [detail]);
  },
  invalidSearch: (detail: string) => new AppError(400, 'E0000031', detail),
  invalidSearchCriteria: (cause: string) => new AppError(400, 'E0000031', 'Invalid search criteria.', [cause]),
  searchAndFilter: () => new AppError(400, 'E0000033', "Bad request. Can't specify a search query and filter in the same request."),
  unlockNotAllowed: () => new AppError(403, 'E0000032', 'Unlock is not allowed for this user.'),
  wrongStatus: () => new AppError(403, 'E0000038', "This operation is not allowed in the user's current status."),
  rateLimited: (headers: Record<string, string>) =>
    new AppError(429, 'E0000047', 'API call exceeded rate limit due to too many requests.', [], headers),
  invalidFilter: (detail: string) => new AppError(400, 'E0000053', detail),
  payloadTooLarge: () => new AppError(413, 'E0000001', 'Api validation failed: The request body is too large.'),
  unsupportedMediaType: () => new AppError(415, 'E0000002', 'The request was not valid: Content-Type must be application/json'),
  passwordPolicy: (detail: string) =>
    new AppError(400, 'E0000001', 'Api validation failed: password', [`password: ${detail}`]),
  wrongTransition: (detail: string) => new AppError(400, 'E0000001', `Api validation failed: ${detail}`, [detail]),
  policyDenied: (cause: string) => new AppError(403, 'E0000057', 'Access to this application is denied due to a policy.', [cause]),
} as const;
