import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { fetchResponse, inProcessFetch, inProcessProtocol } from './in-process.ts';

describe('in-process fetch', () => {
  it("answers through the app's own routes with the URL's host, carrying its scheme where only the callee reads it", async () => {
    const app = Fastify();
    app.post('/echo', async (request, reply) => reply.header('set-cookie', ['a=1', 'b=2']).code(201).send({
      host: request.headers.host,
      forwardedProto: request.headers['x-forwarded-proto'],
      protocol: inProcessProtocol(request) ?? 'from outside',
      body: request.body,
    }));
    await app.ready();
    const fetch = inProcessFetch(app);
    const res = await fetch('https://demo.example.com/echo?x=1', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n: 1 }) });
    assert.equal(res.status, 201);
    assert.deepEqual(res.headers.getSetCookie(), ['a=1', 'b=2']);
    assert.deepEqual(await res.json(), { host: 'demo.example.com', forwardedProto: 'https', protocol: 'https', body: { n: 1 } });
    const form = await fetch('http://demo.example.com/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: new TextEncoder().encode('{"m":2}') });
    assert.equal((await form.json()).protocol, 'http');
    // A request from outside that names the header and a scheme is not believed.
    const forged = await app.inject({ method: 'POST', url: '/echo', headers: { 'x-bulwark-in-process': 'guess', 'x-forwarded-proto': 'https', 'content-type': 'application/json' }, payload: '{}' });
    assert.equal(forged.json().protocol, 'from outside');
    await app.close();
  });

  it('gives a status that carries no body no body', async () => {
    assert.equal(fetchResponse(204, { 'x-a': '1' }, Buffer.from('ignored')).body, null);
    assert.equal(await fetchResponse(200, { 'x-a': ['1', '2'] }, Buffer.from('ok')).text(), 'ok');
  });
});
