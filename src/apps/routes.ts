import type { FastifyInstance } from 'fastify';
import { setPageLinks } from '#src/http/links.ts';
import { baseUrlOf, serviceContextOf } from '#src/http/request-context.ts';
import { assignmentRoutes } from './assignment-routes.ts';
import { assertNotNamedByRules } from '#src/policy/sign-on.ts';
import { createAppSecret, deleteAppSecret, getAppSecret, listAppSecrets, setSecretStatusOf } from './client-secrets.ts';
import { toPublicApp, toPublicSecret } from './dto.ts';
import {
  appParams, appResponse, appsResponse, createAppBody, createAppQuery, createdAppResponse, createdSecretResponse, createSecretBody, emptyBodyAsObject, emptyResponse,
  listAppsQuery, replaceAppBody, secretParams, secretResponse, secretsResponse,
} from './schemas.ts';
import { createApp, deleteApp, getApp, listApps, replaceApp, setAppStatus, type AppInput, type ListAppsQuery } from './service.ts';

type AppParams = { appId: string };
type SecretParams = { appId: string; secretId: string };

/** Redirect URIs decide where codes and tokens go, and a secret is the client's password: both need a fresh passkey. */
const PROTECTED = "changing an app's redirect URIs or client secrets";

/** /api/v1/apps: Okta's Apps API for OpenID Connect clients. HTTP only; the rules live in service.ts and its siblings. */
export async function appRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: ListAppsQuery }>('/', {
    config: { permission: 'apps.read' },
    schema: { querystring: listAppsQuery, response: { 200: appsResponse } },
  }, async (request, reply) => {
    const page = await listApps(serviceContextOf(request), request.query);
    setPageLinks(request, reply, page.next === null ? null : { after: page.next });
    const base = baseUrlOf(request);
    return page.apps.map((a) => toPublicApp(a, base));
  });

  /** The new client secret, if the app has one, is in this answer and nowhere else, ever. */
  app.post<{ Body: AppInput; Querystring: { activate: boolean } }>('/', {
    config: { permission: 'apps.manage', protectedAction: PROTECTED },
    schema: { body: createAppBody, querystring: createAppQuery, response: { 200: createdAppResponse } },
  }, async (request) => {
    const { app: created, clientSecret } = await createApp(serviceContextOf(request), request.body, request.query.activate);
    const body = toPublicApp(created, baseUrlOf(request));
    if (clientSecret === null) return body;
    return { ...body, credentials: { oauthClient: { ...body.credentials.oauthClient, client_secret: clientSecret } } };
  });

  app.get<{ Params: AppParams }>('/:appId', {
    config: { permission: 'apps.read' },
    schema: { params: appParams, response: { 200: appResponse } },
  }, async (request) => toPublicApp(await getApp(serviceContextOf(request), request.params.appId), baseUrlOf(request)));

  app.put<{ Params: AppParams; Body: AppInput }>('/:appId', {
    config: { permission: 'apps.manage', protectedAction: PROTECTED },
    schema: { params: appParams, body: replaceAppBody, response: { 200: appResponse } },
  }, async (request) => toPublicApp(await replaceApp(serviceContextOf(request), request.params.appId, request.body), baseUrlOf(request)));

  app.delete<{ Params: AppParams }>('/:appId', {
    config: { permission: 'apps.manage' },
    schema: { params: appParams },
  }, async (request, reply) => {
    const ctx = serviceContextOf(request);
    await deleteApp(ctx, request.params.appId, (tx, appId) => assertNotNamedByRules(tx, ctx.tenantId, appId, 'app'));
    return reply.code(204).send();
  });

  for (const [op, status] of [['activate', 'ACTIVE'], ['deactivate', 'INACTIVE']] as const) {
    app.post<{ Params: AppParams }>(`/:appId/lifecycle/${op}`, {
      config: { permission: 'apps.manage' },
      schema: { params: appParams, response: { 200: emptyResponse } },
    }, async (request) => {
      await setAppStatus(serviceContextOf(request), request.params.appId, status);
      return {};
    });
  }

  app.get<{ Params: AppParams }>('/:appId/credentials/secrets', {
    config: { permission: 'apps.read' },
    schema: { params: appParams, response: { 200: secretsResponse } },
  }, async (request) => {
    const base = baseUrlOf(request);
    return (await listAppSecrets(serviceContextOf(request), request.params.appId)).map((s) => toPublicSecret(s, base));
  });

  /** Okta's rotation: a second active secret, its value in this answer only; the old one is deactivated later. */
  app.post<{ Params: AppParams }>('/:appId/credentials/secrets', {
    config: { permission: 'apps.manage', protectedAction: PROTECTED },
    preValidation: emptyBodyAsObject,
    schema: { params: appParams, body: createSecretBody, response: { 201: createdSecretResponse } },
  }, async (request, reply) => {
    const { secret, value } = await createAppSecret(serviceContextOf(request), request.params.appId);
    return reply.code(201).send({ ...toPublicSecret(secret, baseUrlOf(request)), client_secret: value });
  });

  app.get<{ Params: SecretParams }>('/:appId/credentials/secrets/:secretId', {
    config: { permission: 'apps.read' },
    schema: { params: secretParams, response: { 200: secretResponse } },
  }, async (request) => toPublicSecret(await getAppSecret(serviceContextOf(request), request.params.appId, request.params.secretId), baseUrlOf(request)));

  for (const [op, status] of [['activate', 'ACTIVE'], ['deactivate', 'INACTIVE']] as const) {
    app.post<{ Params: SecretParams }>(`/:appId/credentials/secrets/:secretId/lifecycle/${op}`, {
      config: { permission: 'apps.manage' },
      schema: { params: secretParams, response: { 200: secretResponse } },
    }, async (request) => {
      const secret = await setSecretStatusOf(serviceContextOf(request), request.params.appId, request.params.secretId, status);
      return toPublicSecret(secret, baseUrlOf(request));
    });
  }

  app.delete<{ Params: SecretParams }>('/:appId/credentials/secrets/:secretId', {
    config: { permission: 'apps.manage' },
    schema: { params: secretParams },
  }, async (request, reply) => {
    await deleteAppSecret(serviceContextOf(request), request.params.appId, request.params.secretId);
    return reply.code(204).send();
  });

  await app.register(assignmentRoutes);
}
