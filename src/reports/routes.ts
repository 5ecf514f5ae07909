import type { FastifyInstance } from 'fastify';
import { staffContexts } from '#src/cases/staff-routes.ts';
import { OktaErrors } from '#src/http/errors.ts';
import { toPublicDownload, toPublicRun, toPublicTemplate } from './dto.ts';
import { decisionBody, downloadIdParams, downloadQuery, listQuery, reconcileBody, runBody, runIdParams } from './schemas.ts';
import {
  cellDownloads, cellOrganizations, createRun, decide, identify, myRuns, pendingApprovals, readRun, reconcile, startDownload, TEMPLATES, type RunRequest,
} from './service.ts';

/** Who may run reports, and who decides on bulk exports and investigates downloads. */
const RUNNERS = ['AGENT', 'SENIOR_AGENT', 'SECURITY', 'REPORT_ADMIN'] as const;
const SECURITY = ['SECURITY'] as const;
/** A leaked file sent to be identified: large enough for a whole export of a cell. */
const LEAKED_FILE_LIMIT = 256 * 1024 * 1024;

type RunParams = { Params: { runId: string } };

/**
 * Reports over the support plane (docs/reports.md), for the cell's staff on its Help Center: templates, runs,
 * the approvals of bulk exports, watermarked downloads, reconciliation and watermark identification. Every
 * call is in the support plane's audit log.
 */
export async function reportRoutes(app: FastifyInstance): Promise<void> {
  const contextOf = staffContexts(app);
  const { clock } = app.deps;

  app.get('/help/v1/staff/reports/templates', async (request) => {
    await contextOf(request, RUNNERS, false);
    return TEMPLATES.map(toPublicTemplate);
  });

  app.get('/help/v1/staff/reports/organizations', async (request) => cellOrganizations(await contextOf(request, RUNNERS, false)));

  app.post<{ Body: RunRequest }>('/help/v1/staff/reports/runs', { schema: { body: runBody } }, async (request, reply) => {
    const ctx = await contextOf(request, RUNNERS, true);
    return reply.code(201).send(toPublicRun(await createRun(ctx, request.body), clock.now()));
  });

  app.get<{ Querystring: { limit: number } }>('/help/v1/staff/reports/runs', { schema: { querystring: listQuery } }, async (request) => {
    const ctx = await contextOf(request, RUNNERS, false);
    const now = clock.now();
    return (await myRuns(ctx, request.query.limit)).map((r) => toPublicRun(r, now));
  });

  app.get<RunParams>('/help/v1/staff/reports/runs/:runId', { schema: { params: runIdParams } }, async (request) => {
    const ctx = await contextOf(request, RUNNERS, false);
    return toPublicRun(await readRun(ctx, request.params.runId), clock.now());
  });

  app.get<{ Querystring: { limit: number } }>('/help/v1/staff/reports/approvals', { schema: { querystring: listQuery } }, async (request) => {
    const ctx = await contextOf(request, SECURITY, false);
    const now = clock.now();
    return (await pendingApprovals(ctx, request.query.limit)).map((r) => toPublicRun(r, now)).filter((r) => r.status === 'PENDING_APPROVAL');
  });

  for (const [path, decision] of [['approve', 'APPROVED'], ['deny', 'DENIED']] as const) {
    app.post<RunParams & { Body: { note: string } }>(`/help/v1/staff/reports/runs/:runId/${path}`, { schema: { params: runIdParams, body: decisionBody } }, async (request) => {
      const ctx = await contextOf(request, SECURITY, true);
      return toPublicRun(await decide(ctx, request.params.runId, decision, request.body.note.trim()), clock.now());
    });
  }

  app.get<RunParams & { Querystring: { format: 'csv' | 'xlsx'; ticket?: string } }>('/help/v1/staff/reports/runs/:runId/download', {
    schema: { params: runIdParams, querystring: downloadQuery },
  }, async (request, reply) => {
    const ctx = await contextOf(request, RUNNERS, false, `/help/v1/staff/reports/runs/${request.params.runId}/download?format=${request.query.format}`);
    const served = await startDownload(ctx, request.params.runId, request.query.format);
    return reply.headers({
      'content-type': served.contentType,
      'content-disposition': `attachment; filename="${served.fileName}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    }).send(served.stream);
  });

  app.get<{ Querystring: { limit: number } }>('/help/v1/staff/reports/downloads', { schema: { querystring: listQuery } }, async (request) => {
    const ctx = await contextOf(request, SECURITY, false);
    return (await cellDownloads(ctx, request.query.limit)).map(toPublicDownload);
  });

  app.post<{ Params: { downloadId: string }; Body: { bytes?: number; sha256?: string } | undefined }>('/help/v1/staff/reports/downloads/:downloadId/reconcile', {
    schema: { params: downloadIdParams, body: reconcileBody },
  }, async (request) => {
    const ctx = await contextOf(request, SECURITY, true);
    const result = await reconcile(ctx, request.params.downloadId, request.body ?? {});
    return { ...result, download: toPublicDownload(result.download) };
  });

  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: LEAKED_FILE_LIMIT }, (_request, body, done) => done(null, body));

  app.post<{ Body: Buffer }>('/help/v1/staff/reports/watermarks/identify', { bodyLimit: LEAKED_FILE_LIMIT }, async (request) => {
    const ctx = await contextOf(request, SECURITY, true);
    if (!Buffer.isBuffer(request.body)) throw OktaErrors.validation('file', ['file: send the file itself as application/octet-stream']);
    const { download, via } = await identify(ctx, request.body);
    return { downloadId: download.id, runId: download.runId, downloadedBy: { id: download.downloadedBy, name: download.downloadedByName }, started: download.started.toISOString(), via };
  });
}
