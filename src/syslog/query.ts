import { OktaErrors } from '#src/http/errors.ts';
import type { ServiceContext } from '#src/service-context.ts';
import { compileKeywords, compileLogFilter } from './log-filter.ts';
import { chainHeadSeq, queryLogRows, retentionDays, type LogQuery } from './query-store.ts';

export type LogsRequest = { since?: string; until?: string; after?: string; filter?: string; q?: string; limit?: number; sortOrder?: string };

/** A page of events as raw canonical JSON texts, and the cursor of the next page when there is one. */
export type LogPage = { events: string[]; next: { after: string; until?: string } | null };

const DAY = 86_400_000;
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function parseDate(value: string | undefined, param: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (!ISO.test(value) || Number.isNaN(d.getTime())) throw OktaErrors.invalidDate(param);
  return d;
}

/** Cursors are opaque to clients: `s<seq>` in polling order, `p<ms>.<seq>` in published order. */
function decodeCursor(after: string): { seq: number; published?: Date } {
  const m = /^(?:s(\d{1,18})|p(\d{1,15})\.(\d{1,18}))$/.exec(after);
  if (!m) throw OktaErrors.validation('after', ['after: The cursor is not valid; follow the next link of an earlier page.']);
  if (m[1] !== undefined) return { seq: Number(m[1]) };
  return { seq: Number(m[3]), published: new Date(Number(m[2])) };
}

/**
 * Okta's System Log query. A polling request (no `until`, ascending) reads in persistence order and always
 * has a next link, so a client can poll it forever without missing an event; a bounded request reads in
 * `published` order and ends. Events older than the tenant's retention are never returned.
 */
export async function queryLogs(ctx: ServiceContext, req: LogsRequest): Promise<LogPage> {
  const now = ctx.clock.now();
  const until = parseDate(req.until, 'until');
  const since = parseDate(req.since, 'since');
  if (since && now.getTime() - since.getTime() > 180 * DAY) {
    throw OktaErrors.invalidFilter('Invalid parameter: The since parameter is over 180 days prior to the current day.');
  }
  if (since && until && since.getTime() > until.getTime()) throw OktaErrors.validation('since', ['since: must not be after until']);
  const descending = (req.sortOrder ?? 'ASCENDING') === 'DESCENDING';
  const polling = until === undefined && !descending;
  const cursor = req.after === undefined ? undefined : decodeCursor(req.after);
  if (cursor && polling === (cursor.published !== undefined)) throw OktaErrors.validation('after', ['after: The cursor does not belong to this kind of request.']);

  const retentionStart = new Date(now.getTime() - (await retentionDays(ctx.db, ctx.tenantId)) * DAY);
  const defaultSince = new Date((until ?? now).getTime() - 7 * DAY);
  // A polling cursor already marks where the client is; the window only bounds its first page.
  const requested = polling && cursor ? retentionStart : (since ?? defaultSince);
  const where = [];
  if (req.filter !== undefined) where.push(compileLogFilter(req.filter));
  const keywords = req.q === undefined ? undefined : compileKeywords(req.q);
  if (keywords) where.push(keywords);

  const limit = req.limit ?? 100;
  const query: LogQuery = {
    since: requested > retentionStart ? requested : retentionStart,
    until: until ?? null,
    where,
    limit,
    descending,
    order: polling ? 'seq' : 'published',
    ...(cursor ? { afterSeq: cursor.seq } : {}),
    ...(cursor?.published ? { afterPublished: cursor.published } : {}),
  };
  // Read the committed head first: an empty polling page may then skip to it without missing a later commit.
  const head = polling ? await chainHeadSeq(ctx.db, ctx.tenantId) : undefined;
  if (head !== undefined) query.maxSeq = head;
  const rows = limit === 0 ? [] : await queryLogRows(ctx.db, ctx.tenantId, query);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page.at(-1);
  let next: LogPage['next'] = null;
  if (head !== undefined) {
    next = { after: last ? `s${last.seq}` : more || limit === 0 ? (req.after ?? `s${(cursor?.seq ?? 0)}`) : `s${head}` };
  } else if (more && last) {
    next = { after: `p${last.published.getTime()}.${last.seq}` };
  }
  return { events: page.map((r) => r.event), next };
}

export { eachEventInWindow, type WindowRow } from './query-store.ts';
