/**
 * Okta's own sign-in SDK, `@okta/okta-auth-js`, used unchanged against Bulwark's Classic Authentication API:
 * `signInWithCredentials`, the MFA_REQUIRED transaction's factor `verify`, the PASSWORD_EXPIRED
 * `changePassword`, and password recovery (`verifyRecoveryToken`, `forgotPassword`, `verify`,
 * `resetPassword`). Its only adapter is the documented `httpRequestClient` option, which sends each request
 * to the test server while naming the tenant's host (`*.localhost` does not resolve here).
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { OktaAuth } from '@okta/okta-auth-js';
import { Secret, TOTP } from 'otpauth';
import { apiClient, createTestTenant, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import { newTotpUser, newUser, PASSWORD, recoveryTokenFor, totpCode, type UserRef, type WebFixture } from './support/fixtures.ts';
import { hostClient } from './support/host-client.ts';

type Answer = { responseText: string; status: number; headers: Record<string, string> };

/** okta-auth-js's httpRequestClient contract: resolve with the answer on 2xx, reject with it otherwise. */
function viaTestServer(serverUrl: string) {
  const target = new URL(serverUrl);
  return (method: string, url: string, args: { headers?: Record<string, string>; data?: unknown }) => new Promise<Answer>((resolve, reject) => {
    const u = new URL(url);
    const body = args.data === undefined ? undefined : typeof args.data === 'string' ? args.data : JSON.stringify(args.data);
    const req = httpRequest({ host: target.hostname, port: target.port, path: `${u.pathname}${u.search}`, method, headers: { ...args.headers, host: u.host } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => {
        const answer = { responseText: text, status: res.statusCode ?? 0, headers: res.headers as Record<string, string> };
        if (answer.status >= 200 && answer.status < 300) resolve(answer);
        else reject(answer);
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe('@okta/okta-auth-js against Bulwark', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let f: WebFixture;
  let auth: OktaAuth;

  before(async () => {
    server = await startTestServer();
    tenant = await createTestTenant(server.db);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token), web: () => hostClient(server.url, tenant.slug) };
    const issuer = `http://${tenant.slug}.localhost:${new URL(server.url).port}/oauth2/default`;
    auth = new OktaAuth({ issuer, httpRequestClient: viaTestServer(server.url) as never, storageManager: { token: { storageType: 'memory' }, transaction: { storageType: 'memory' } } as never });
  });
  after(() => server.close());

  it('signs in with credentials to a sessionToken', async () => {
    const user = await newUser(f, 'ACTIVE');
    const tx = await auth.signInWithCredentials({ username: user.login, password: PASSWORD });
    assert.equal(tx.status, 'SUCCESS');
    assert.match(tx.sessionToken ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.equal(tx.user?.id, user.id);
  });

  it('reports a failed sign-in as Okta\'s AuthApiError', async () => {
    const user = await newUser(f, 'ACTIVE');
    await assert.rejects(auth.signInWithCredentials({ username: user.login, password: 'Wrong-Pass-1' }), (err: { name?: string; errorCode?: string }) => err.name === 'AuthApiError' && err.errorCode === 'E0000004');
  });

  it('verifies a TOTP factor through the transaction the SDK builds', async () => {
    const user: UserRef = await newUser(f, 'ACTIVE');
    const browser = hostClient(server.url, tenant.slug);
    for (let i = 0; i < 2; i++) {
      const a = await browser('POST', '/api/v1/authn', { username: user.login, password: PASSWORD });
      await browser('GET', `/login/sessionCookieRedirect?token=${a.body.sessionToken}&redirectUrl=%2F`);
    }
    const origin = { origin: `http://${browser.host}` };
    const enrolled = await browser('POST', '/api/v1/users/me/factors', { factorType: 'token:software:totp', provider: 'GOOGLE' }, origin);
    const totp = new TOTP({ secret: Secret.fromBase32(enrolled.body._embedded.activation.sharedSecret as string) });
    await browser('POST', `/api/v1/users/me/factors/${enrolled.body.id}/lifecycle/activate`, { passCode: totp.generate() }, origin);

    const tx = await auth.signInWithCredentials({ username: user.login, password: PASSWORD });
    assert.equal(tx.status, 'MFA_REQUIRED');
    const factor = tx.factors?.find((x) => x.factorType === 'token:software:totp');
    assert.ok(factor);
    const next = await factor.verify({ passCode: totp.generate({ timestamp: Date.now() + 30_000 }) });
    assert.equal(next.status, 'SUCCESS');
    assert.ok(next.sessionToken);
  });

  it('changes an expired password through the SDK', async () => {
    const user = await newUser(f, 'PASSWORD_EXPIRED');
    const tx = await auth.signInWithCredentials({ username: user.login, password: PASSWORD });
    assert.equal(tx.status, 'PASSWORD_EXPIRED');
    const next = await tx.changePassword?.({ oldPassword: PASSWORD, newPassword: 'Brand-New-Pass-7' });
    assert.equal(next?.status, 'SUCCESS');
  });

  it("recovers a password from an admin's recovery token through the SDK", async () => {
    const user = await newUser(f, 'ACTIVE');
    const tx = await auth.verifyRecoveryToken({ recoveryToken: await recoveryTokenFor(f, user) });
    assert.equal(tx.status, 'RECOVERY');
    assert.equal(tx.user?.id, user.id);
    const next = await tx.resetPassword?.({ newPassword: 'Recovered-Pass-7' });
    assert.equal(next?.status, 'SUCCESS');
    assert.ok(next?.sessionToken);
  });

  it('recovers a password by itself with a TOTP code through the SDK', async () => {
    const t = await newTotpUser(f);
    // The SDK types factorType as Okta's EMAIL, SMS or CALL; it sends whatever it is given.
    const tx = await auth.forgotPassword({ username: t.user.login, factorType: 'token:software:totp' } as never);
    assert.equal(tx.status, 'RECOVERY_CHALLENGE');
    const recovered = await tx.verify?.({ passCode: totpCode(t.secret, new Date(t.activated.getTime() + 30_000)) });
    assert.equal(recovered?.status, 'RECOVERY');
    const next = await recovered?.resetPassword?.({ newPassword: 'Recovered-Pass-7' });
    assert.equal(next?.status, 'SUCCESS');
  });
});
