/** The Okta error object every Bulwark route answers failures with. */
type OktaError = { errorCode: string; errorSummary: string; errorCauses?: { errorSummary: string }[] };

export class ApiError extends Error {
  readonly code: string;
  readonly summary: string;
  /** Every cause as the server wrote it (`field: what is wrong`), for forms that show each beside its field. */
  readonly causes: readonly string[];
  constructor(body: OktaError) {
    // The cause says what to do ("Ask an administrator for an enrollment link"); the summary says what failed.
    super(body.errorCauses?.[0]?.errorSummary?.replace(/^[a-zA-Z.]+: /, '') ?? body.errorSummary);
    this.code = body.errorCode;
    this.summary = body.errorSummary;
    this.causes = (body.errorCauses ?? []).map((c) => c.errorSummary);
  }
}

/** A JSON call to the tenant's own API, by this page's origin (its cookie, its Host). */
export async function call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return answerOf<T>(res);
}

/** A response's JSON, or the ApiError its Okta error object (or, without one, its status) says. */
export async function answerOf<T>(res: Response): Promise<T> {
  const text = await res.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) throw new ApiError((parsed ?? { errorCode: String(res.status), errorSummary: res.statusText }) as OktaError);
  return parsed as T;
}
