import assert from 'node:assert/strict';
import { existsSync, globSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { sharedDataDir } from '../../test/helpers.ts';
import { validateBulwarkLogEvent, validateOktaLogEvent } from './log-event-schema.ts';

const dataDir = sharedDataDir();

function loadSampleEvents(): { where: string; event: unknown }[] {
  if (!existsSync(dataDir)) {
    assert.fail(`Okta sample data not found at ${dataDir}; this test needs the shared data directory (see its README.md)`);
  }
  const events: { where: string; event: unknown }[] = [];
  for (const file of globSync('*/extracted/okta_events.ndjson', { cwd: dataDir }).sort()) {
    readFileSync(`${dataDir}${file}`, 'utf8').split('\n').forEach((line, index) => {
      if (line.trim() !== '') events.push({ where: `${file}:${index + 1}`, event: JSON.parse(line) });
    });
  }
  return events;
}

const geo = {
  city: 'New York',
  state: 'New York',
  country: 'United States',
  postalCode: '10013',
  geolocation: { lat: 40.3157, lon: -74.01 },
};

function bulwarkEvent(): Record<string, unknown> {
  return {
    uuid: 'dc9fd3c0-598c-11ef-8478-2b7584bf8d5a',
    published: '2024-08-13T15:58:20.353Z',
    eventType: 'user.session.start',
    version: '0',
    severity: 'INFO',
    legacyEventType: 'core.user_auth.login_success',
    displayMessage: 'User login to Okta',
    actor: {
      id: '00u1a2b3c4d5e6f7g8h9',
      type: 'User',
      alternateId: 'john.doe@example.com',
      displayName: 'John Doe',
      detailEntry: null,
    },
    client: {
      userAgent: { rawUserAgent: 'Mozilla/5.0 (X11; Linux x86_64)', os: 'Linux', browser: 'CHROME' },
      zone: null,
      device: 'Computer',
      id: null,
      ipAddress: '10.0.0.1',
      geographicalContext: geo,
    },
    device: null,
    authenticationContext: {
      authenticationProvider: null,
      credentialProvider: null,
      credentialType: null,
      issuer: null,
      interface: null,
      authenticationStep: 0,
      rootSessionId: 'idxBager62CSveUkTxvgRtonA',
      externalSessionId: 'idxBager62CSveUkTxvgRtonA',
    },
    securityContext: { asNumber: 394089, asOrg: 'ASN 0000', isp: 'google', domain: null, isProxy: false },
    outcome: { result: 'SUCCESS', reason: null },
    target: [
      {
        id: '0oa1a2b3c4d5e6f7g8h9',
        type: 'AppInstance',
        alternateId: 'Okta Admin Console',
        displayName: 'Okta Admin Console',
        detailEntry: null,
      },
    ],
    transaction: { type: 'WEB', id: 'Wn4f-0RQ8D8lTSLkAmkKdQAADqo', detail: {} },
    debugContext: { debugData: { requestId: 'Wn4f-0RQ8D8lTSLkAmkKdQAADqo', requestUri: '/idp/idx/identify' } },
    request: { ipChain: [{ ip: '10.0.0.1', geographicalContext: geo, version: 'V4', source: null }] },
    bulwark: { seq: 42, hash: 'a'.repeat(64), prevHash: '0'.repeat(64) },
  };
}

describe('validateOktaLogEvent', () => {
  it('accepts every Okta event in the shared sample data', () => {
    const events = loadSampleEvents();
    assert.ok(events.length >= 112, `expected at least the 112 documented sample events, found ${events.length}`);
    const failures = events
      .map(({ where, event }) => ({ where, errors: validateOktaLogEvent(event) }))
      .filter(({ errors }) => errors.length > 0);
    assert.deepEqual(failures, []);
  });

  it('accepts properties Okta may add later', () => {
    assert.deepEqual(validateOktaLogEvent({ ...bulwarkEvent(), newOktaField: { anything: true } }), []);
  });

  it('rejects an outcome result outside the Okta enum', () => {
    const errors = validateOktaLogEvent({ eventType: 'user.session.start', outcome: { result: 'MAYBE' } });
    assert.ok(errors.some((e) => e.startsWith('event.outcome.result must be one of')), errors.join('\n'));
  });

  it('rejects something that is not an object', () => {
    assert.deepEqual(validateOktaLogEvent('user.session.start'), ['event must be object']);
  });
});

describe('validateBulwarkLogEvent', () => {
  it('accepts a complete Bulwark event', () => {
    assert.deepEqual(validateBulwarkLogEvent(bulwarkEvent()), []);
  });

  it('accepts a complete Bulwark event without the bulwark object', () => {
    const { bulwark: _bulwark, ...event } = bulwarkEvent();
    assert.deepEqual(validateBulwarkLogEvent(event), []);
  });

  it('accepts a JOB event with no client address and an empty ipChain', () => {
    const event = bulwarkEvent();
    event['client'] = { userAgent: null, zone: null, device: null, id: null, ipAddress: null, geographicalContext: null };
    event['transaction'] = { type: 'JOB', id: 'job-7', detail: {} };
    event['request'] = { ipChain: [] };
    assert.deepEqual(validateBulwarkLogEvent(event), []);
  });

  it('rejects a WEB event with no client address', () => {
    const event = bulwarkEvent();
    event['client'] = { ...(event['client'] as object), ipAddress: null };
    assert.deepEqual(validateBulwarkLogEvent(event), ['event.client.ipAddress must be string']);
  });

  it('rejects an event without an actor', () => {
    const { actor: _actor, ...event } = bulwarkEvent();
    assert.deepEqual(validateBulwarkLogEvent(event), ["event must have required property 'actor'"]);
  });

  it('rejects a severity outside DEBUG, INFO, WARN and ERROR', () => {
    const errors = validateBulwarkLogEvent({ ...bulwarkEvent(), severity: 'CRITICAL' });
    assert.ok(errors.includes('event.severity must be one of ["DEBUG","INFO","WARN","ERROR"]'), errors.join('\n'));
  });

  it('rejects a published timestamp without milliseconds', () => {
    const errors = validateBulwarkLogEvent({ ...bulwarkEvent(), published: '2024-08-13T15:58:20Z' });
    assert.deepEqual(errors, ['event.published must be a UTC timestamp with milliseconds, e.g. 2024-08-13T15:58:20.353Z']);
  });

  it('rejects a published timestamp with an offset instead of Z', () => {
    const errors = validateBulwarkLogEvent({ ...bulwarkEvent(), published: '2024-08-13T17:58:20.353+02:00' });
    assert.equal(errors.length, 1);
  });

  it('rejects an unknown top-level property', () => {
    const errors = validateBulwarkLogEvent({ ...bulwarkEvent(), tenantId: 'acme' });
    assert.deepEqual(errors, ["event has unknown property 'tenantId'"]);
  });

  it('rejects a target without a type', () => {
    const event = bulwarkEvent();
    event['target'] = [{ id: '00u1', alternateId: 'a@example.com', displayName: 'A', detailEntry: null }];
    const errors = validateBulwarkLogEvent(event);
    assert.ok(errors.includes("event.target.0 must have required property 'type'"), errors.join('\n'));
  });

  it('rejects a numeric version that only imported Okta data may carry', () => {
    assert.deepEqual(validateOktaLogEvent({ ...bulwarkEvent(), version: 0 }), []);
    assert.deepEqual(validateBulwarkLogEvent({ ...bulwarkEvent(), version: 0 }), ['event.version must be "0"']);
  });

  it('rejects a hash chain entry whose hash is not 64 hex digits', () => {
    const errors = validateBulwarkLogEvent({ ...bulwarkEvent(), bulwark: { seq: 1, hash: 'ABC', prevHash: '0'.repeat(64) } });
    assert.deepEqual(errors, ['event.bulwark.hash must be 64 lower-case hex digits (a SHA-256)']);
  });

  it('rejects events that omit fields Okta always emits, even as null', () => {
    const event = bulwarkEvent();
    event['outcome'] = { result: 'SUCCESS' };
    assert.deepEqual(validateBulwarkLogEvent(event), ["event.outcome must have required property 'reason'"]);
  });
});
