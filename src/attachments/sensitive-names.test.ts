import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RemovalKind } from './redactions.ts';
import { classifyName, type NameContext } from './sensitive-names.ts';

describe('sensitive names', () => {
  it('names the kind of secret a header, parameter or field carries, whatever its spelling', () => {
    const cases: [string, NameContext, RemovalKind | undefined][] = [
      ['Authorization', 'field', 'authorization_header'], ['Proxy-Authorization', 'field', 'authorization_header'],
      ['Cookie', 'field', 'cookie'], ['Set-Cookie', 'field', 'set_cookie'],
      ['X-API-Key', 'field', 'api_key'], ['api_key', 'param', 'api_key'], ['apiKey', 'field', 'api_key'], ['x-goog-api-key', 'field', 'api_key'],
      ['access_token', 'param', 'oauth_parameter'], ['id_token_hint', 'param', 'oauth_parameter'], ['client_secret', 'field', 'oauth_parameter'],
      ['code_verifier', 'param', 'oauth_parameter'], ['client_assertion', 'field', 'oauth_parameter'],
      ['SAMLResponse', 'param', 'saml'], ['SAMLRequest', 'param', 'saml'], ['RelayState', 'param', 'saml'],
      ['password', 'field', 'password'], ['newPassword', 'field', 'password'], ['passwd', 'param', 'password'], ['passCode', 'field', 'password'],
      ['sessionToken', 'field', 'session_id'], ['stateToken', 'field', 'session_id'], ['JSESSIONID', 'param', 'session_id'], ['ASP.NET_SessionId', 'param', 'session_id'],
      ['X-CSRF-Token', 'field', 'csrf_token'], ['_csrf', 'param', 'csrf_token'], ['X-Okta-XsrfToken', 'field', 'csrf_token'],
      ['private_key', 'field', 'private_key'], ['api.key', 'field', 'api_key'], ['spring.datasource.password', 'field', 'password'],
      ['secret', 'field', 'secret_field'], ['X-Auth-Token', 'field', 'secret_field'], ['X-Amz-Signature', 'param', 'secret_field'],
      ['password_confirmation', 'param', 'password'], ['new_password2', 'param', 'password'], ['user[password]', 'param', 'password'], ['answer', 'field', 'password'],
      ['securityAnswer', 'field', 'password'], ['verificationCode', 'field', 'password'], ['mfa_code', 'field', 'password'], ['recoveryCodes', 'field', 'password'],
      ['stateHandle', 'field', 'session_id'], ['interactionHandle', 'field', 'oauth_parameter'], ['pkceCodeVerifier', 'field', 'oauth_parameter'],
      ['X-Forwarded-Authorization', 'field', 'authorization_header'], ['qrcode', 'field', 'secret_field'], ['authenticity_token', 'param', 'csrf_token'],
      ['signingKey', 'field', 'secret_field'], ['aws_secret_access_key', 'field', 'secret_field'], ['access_key', 'param', 'api_key'], ['AccountKey', 'field', 'api_key'],
      ['key', 'param', 'api_key'],
    ];
    for (const [name, context, kind] of cases) assert.equal(classifyName(name, context), kind, name);
  });

  it('takes OAuth code and state as secrets only as parameters or inside an OAuth message', () => {
    assert.equal(classifyName('code', 'param'), 'oauth_parameter');
    assert.equal(classifyName('state', 'param'), 'oauth_parameter');
    assert.equal(classifyName('code', 'field'), undefined);
    assert.equal(classifyName('state', 'field'), undefined);
    assert.equal(classifyName('code', 'field', true), 'oauth_parameter');
    assert.equal(classifyName('sig', 'field'), undefined);
    assert.equal(classifyName('key', 'field'), undefined);
  });

  it('leaves names that are about a secret without being one', () => {
    for (const name of ['passwordChanged', 'passwordPolicy', 'tokenType', 'token_endpoint', 'client_secret_expires_at', 'apiKeyType', 'sec-websocket-key',
      'x-slack-shared-secret-outcome', 'externalSessionId', ':authority', 'author', 'keyboard', 'status', 'credentials', 'code_challenge',
      'nonce', 'login_hint', 'errorCode', 'postalCode', 'countryCode', 'publicKey', 'primaryKey', 'keyId', 'accessKeyId', 'keyLength', 'X-Amz-Credential', 'SigAlg']) {
      assert.equal(classifyName(name, 'field'), undefined, name);
    }
  });
});
