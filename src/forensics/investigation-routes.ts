import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OktaErrors } from '#src/http/errors.ts';
import { setPageLinks } from '#src/http/links.ts';
import { baseUrlOf, principalOf, serviceContextOf } from '#src/http/request-context.ts';
import { actorsOfIp, eventsOfSession, sessionsOfActor } from './investigate.ts';
import {
  createInvestigation, deleteInvestigation, downloadReport, getInvestigation, listInvestigations, withOpenInvestigation, type InvestigationRow,
} from './investigations.ts';
import type { ReportFormat } from './report-files.ts';
import { loadReportKey, signatureFile } from './report-signing.ts';

const ID = { type: 'string', pattern: '^inv[0-9A-Za-z]{17}$' } as const;
const params = { type: 'object', properties: { id: ID }, required: ['id'], additionalProperties: false } as const;
const listQuery = {
  type: 'object',
  properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 }, after: ID },
  additionalProperties: false,
} as const;
const text = { type: 'string', minLength: 1, maxLength: 512 } as const;
const list = (items: object, maxItems: number) => ({ type: 'array', items, maxItems, uniqueItems: true });
/** Shapes only: the incident's own rules (times, CIDR blocks, at least one indicator) are incident.ts's. */
const createBody = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    window: { type: 'object', properties: { since: { type: 'string', maxLength: 40 }, until: { type: 'string', maxLength: 40 } }, required: ['since', 'until'], additionalProperties: false },
    suspects: {
      type: 'object',
      properties: {
        actorIds: list(text, 100), logins: list(text, 100), ips: list({ type: 'string', maxLength: 45 }, 1000), cidrs: list({ type: 'string', maxLength: 49 }, 100),
        asns: list({ type: 'integer', minimum: 0, maximum: 4294967295 }, 100), userAgents: list(text, 20), grantId: text,
      },
      additionalProperties: false,
    },
  },
  required: ['name', 'window', 'suspects'],
  additionalProperties: false,
} as const;
const timelineQuery = {
  type: 'object',
  properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 }, after: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z\\|[0-9a-f-]{36}$' } },
  additionalProperties: false,
} as const;
const pivotParams = { type: 'object', properties: { id: ID, kind: { type: 'string', enum: ['ip', 'actor', 'session'] } }, required: ['id', 'kind'], additionalProperties: false } as const;
const pivotQuery = { type: 'object', properties: { value: text }, required: ['value'], additionalProperties: false } as const;
const reportQuery = { type: 'object', properties: { format: { type: 'string', enum: ['json', 'csv', 'html', 'pdf'], default: 'pdf' } }, additionalProperties: false } as const;

const CONTENT_TYPES: Record<ReportFormat, string> = { json: 'application/json', csv: 'text/csv; charset=utf-8', html: 'text/html; charset=utf-8', pdf: 'application/pdf' };

function toPublicInvestigation(row: InvestigationRow, base: string) {
  const self = `${base}/api/v1/investigations/${row.id}`;
  return {
    id: row.id, name: row.name, window: row.incident.window, suspects: row.incident.suspects,
    created: row.created.toISOString(), createdBy: { id: row.createdBy, displayName: row.createdByName },
    _links: {
      self: { href: self }, blastRadius: { href: `${self}/blast-radius` }, timeline: { href: `${self}/timeline` },
      report: { href: `${self}/report?format=pdf`, hints: { allow: ['GET'] } },
    },
  };
}

/** The tenant as its reports name it. */
const tenantName = (request: FastifyRequest) => principalOf(request).tenant.slug;

/**
 * /api/v1/investigations (a Bulwark addition, docs/forensics.md): a tenant's saved incidents, and their
 * questions asked of the tenant's own System Log: blast radius, timeline, pivots, and the signed impact report.
 * Reading them is `investigations.read`, which no support scope holds (an investigation may be about support
 * staff); saving and deleting one is `investigations.manage`.
 */
export async function investigationRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { limit: number; after?: string } }>('/', { config: { permission: 'investigations.read' }, schema: { querystring: listQuery } }, async (request, reply) => {
    const ctx = serviceContextOf(request);
    const after = request.query.after === undefined ? undefined : await getInvestigation(ctx, request.query.after).catch(() => { throw OktaErrors.invalidPaging(); });
    const page = await listInvestigations(ctx, request.query.limit, after);
    const last = page.at(-1);
    setPageLinks(request, reply, page.length === request.query.limit && last ? { after: last.id } : null);
    return page.map((r) => toPublicInvestigation(r, baseUrlOf(request)));
  });

  app.post<{ Body: unknown }>('/', { config: { permission: 'investigations.manage' }, schema: { body: createBody } }, async (request, reply) => {
    const row = await createInvestigation(serviceContextOf(request), request.body, principalOf(request).user.displayName ?? principalOf(request).user.login);
    return reply.code(201).send(toPublicInvestigation(row, baseUrlOf(request)));
  });

  app.get<{ Params: { id: string } }>('/:id', { config: { permission: 'investigations.read' }, schema: { params } },
    async (request) => toPublicInvestigation(await getInvestigation(serviceContextOf(request), request.params.id), baseUrlOf(request)));

  app.delete<{ Params: { id: string } }>('/:id', { config: { permission: 'investigations.manage' }, schema: { params } }, async (request, reply) => {
    await deleteInvestigation(serviceContextOf(request), request.params.id);
    return reply.code(204).send();
  });

  app.get<{ Params: { id: string } }>('/:id/blast-radius', { config: { permission: 'investigations.read' }, schema: { params } }, async (request) => {
    const ctx = serviceContextOf(request);
    const row = await getInvestigation(ctx, request.params.id);
    return withOpenInvestigation(ctx, row, tenantName(request), (inv) => inv.blastRadius());
  });

  app.get<{ Params: { id: string }; Querystring: { limit: number; after?: string } }>('/:id/timeline', {
    config: { permission: 'investigations.read' }, schema: { params, querystring: timelineQuery },
  }, async (request) => {
    const ctx = serviceContextOf(request);
    const row = await getInvestigation(ctx, request.params.id);
    const { limit, after } = request.query;
    return withOpenInvestigation(ctx, row, tenantName(request), (inv) => inv.timeline({ limit, ...(after === undefined ? {} : { after }) }));
  });

  app.get<{ Params: { id: string; kind: 'ip' | 'actor' | 'session' }; Querystring: { value: string } }>('/:id/pivots/:kind', {
    config: { permission: 'investigations.read' }, schema: { params: pivotParams, querystring: pivotQuery },
  }, async (request) => {
    const ctx = serviceContextOf(request);
    const row = await getInvestigation(ctx, request.params.id);
    const { value } = request.query;
    return withOpenInvestigation<unknown>(ctx, row, tenantName(request), (_inv, ws) => {
      if (request.params.kind === 'ip') return actorsOfIp(ws, value);
      if (request.params.kind === 'actor') return sessionsOfActor(ws, value);
      return eventsOfSession(ws, value);
    });
  });

  app.get<{ Params: { id: string }; Querystring: { format: ReportFormat } }>('/:id/report', {
    config: { permission: 'investigations.read' }, schema: { params, querystring: reportQuery },
  }, async (request, reply) => {
    const ctx = serviceContextOf(request);
    const row = await getInvestigation(ctx, request.params.id);
    const { config } = request.server.deps;
    const { format } = request.query;
    const report = await downloadReport(ctx, row, tenantName(request), format, { key: loadReportKey(config.dataDir), chromiumPath: config.chromiumPath });
    const file = `impact-report-${row.id}.${format}`;
    return reply
      .header('content-type', CONTENT_TYPES[format])
      .header('content-disposition', `attachment; filename="${file}"`)
      .header('cache-control', 'no-store')
      // The detached signature travels with the file: save it as FILE.sig and `bulwark report verify FILE`.
      .header('bulwark-report-signature', Buffer.from(signatureFile(report.signature)).toString('base64url'))
      .send(report.content);
  });
}
