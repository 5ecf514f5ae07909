import type { FastifyInstance, FastifyRequest } from 'fastify';
import { stringify } from 'csv-stringify/sync';
import { protectedActionRefusal } from '#src/admin/protected-actions.ts';
import { baseUrlOf, serviceContextOf, tenantOriginOf } from '#src/http/request-context.ts';
import { applyRemediation } from './apply.ts';
import { REPORT_CSV_COLUMNS, reportRows, toPublicPlan, toPublicRemediation, toReport } from './dto.ts';
import { listQuery, planBody, remediationParams, reportQuery } from './schemas.ts';
import { approveRemediation, cancelRemediation, getRemediation, listPlans, planRemediation, summaryOf, type PlanRequest } from './service.ts';

type IdParams = { Params: { id: string } };

/**
 * /api/v1/remediations (a Bulwark addition, docs/remediation.md): after an incident, a tenant's admins select
 * users by what its System Log shows (a dry run, kept as a plan), a second super admin approves, and the plan
 * is applied item by item. Approving and applying are protected actions from the admin console.
 */
export async function remediationRoutes(app: FastifyInstance): Promise<void> {
  const { clock } = app.deps;
  const assertProtected = async (request: FastifyRequest, action: string) => {
    const refusal = await protectedActionRefusal(request, action);
    if (refusal) throw refusal;
  };

  app.get<{ Querystring: { limit: number } }>('/', { config: { permission: 'remediations.read' }, schema: { querystring: listQuery } }, async (request) => {
    const now = clock.now();
    const base = baseUrlOf(request);
    return (await listPlans(serviceContextOf(request), request.query.limit)).map((p) => toPublicRemediation(p.remediation, p.counts, now, base));
  });

  app.post<{ Body: PlanRequest }>('/', { config: { permission: 'remediations.manage' }, schema: { body: planBody } }, async (request, reply) => {
    const plan = await planRemediation(serviceContextOf(request), request.body);
    return reply.code(201).send(toPublicPlan(plan, clock.now(), baseUrlOf(request)));
  });

  app.get<IdParams>('/:id', { config: { permission: 'remediations.read' }, schema: { params: remediationParams } }, async (request) =>
    toPublicPlan(await getRemediation(serviceContextOf(request), request.params.id), clock.now(), baseUrlOf(request)));

  app.get<IdParams & { Querystring: { format: 'json' | 'csv' } }>('/:id/report', {
    config: { permission: 'remediations.read' },
    schema: { params: remediationParams, querystring: reportQuery },
  }, async (request, reply) => {
    const plan = await getRemediation(serviceContextOf(request), request.params.id);
    if (request.query.format === 'json') return toReport(plan, clock.now(), baseUrlOf(request));
    return reply.headers({
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="remediation-${plan.remediation.id}.csv"`,
      'cache-control': 'no-store',
    }).send(stringify(reportRows(plan), { header: true, columns: [...REPORT_CSV_COLUMNS], escape_formulas: true }));
  });

  app.post<IdParams>('/:id/approve', { config: { permission: 'remediations.apply' }, schema: { params: remediationParams } }, async (request) => {
    await assertProtected(request, 'approving a remediation');
    const ctx = serviceContextOf(request);
    await approveRemediation(ctx, request.params.id);
    const { remediation, counts } = await summaryOf(ctx, request.params.id);
    return toPublicRemediation(remediation, counts, clock.now(), baseUrlOf(request));
  });

  // Synchronous: the answer is the plan as the run ended. Each item commits on its own, so a client that polls
  // the plan meanwhile sees it advance, and one that goes away does not stop the run.
  app.post<IdParams>('/:id/apply', { config: { permission: 'remediations.apply' }, schema: { params: remediationParams } }, async (request) => {
    await assertProtected(request, 'applying a remediation');
    const { remediation, counts } = await applyRemediation(serviceContextOf(request), request.params.id, { tenantOrigin: tenantOriginOf(request) });
    return toPublicRemediation(remediation, counts, clock.now(), baseUrlOf(request));
  });

  app.post<IdParams>('/:id/cancel', { config: { permission: 'remediations.manage' }, schema: { params: remediationParams } }, async (request) => {
    const ctx = serviceContextOf(request);
    await cancelRemediation(ctx, request.params.id);
    const { remediation, counts } = await summaryOf(ctx, request.params.id);
    return toPublicRemediation(remediation, counts, clock.now(), baseUrlOf(request));
  });
}
