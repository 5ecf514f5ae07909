import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { loadConfig } from './config.ts';

describe('configuration', () => {
  it('has working defaults for every variable', () => {
    const r = loadConfig({});
    assert.ok(r.ok);
    assert.equal(r.config.port, 8080);
    assert.equal(r.config.host, '127.0.0.1');
    assert.equal(r.config.baseDomain, 'localhost');
    assert.equal(r.config.databaseUrl, undefined);
    assert.equal(r.config.bootstrap.apiToken, undefined);
    assert.equal(r.config.chromiumPath, '/usr/bin/chromium');
    assert.ok(Object.isFrozen(r.config));
  });

  it('coerces numbers and booleans and treats empty values as unset', () => {
    const r = loadConfig({ PORT: '9090', BULWARK_SEED_DEMO: 'false', DATABASE_URL: '', BULWARK_CHECKPOINT_INTERVAL_SECONDS: '30' });
    assert.ok(r.ok);
    assert.equal(r.config.port, 9090);
    assert.equal(r.config.bootstrap.seedDemo, false);
    assert.equal(r.config.databaseUrl, undefined);
    assert.equal(r.config.checkpointIntervalSeconds, 30);
  });

  for (const [name, value] of [
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://root@db/x'],
    ['BULWARK_BOOTSTRAP_API_TOKEN', 'too-short'],
    ['BULWARK_BOOTSTRAP_ADMIN_EMAIL', 'not-an-email'],
    ['BULWARK_BOOTSTRAP_ADMIN_PASSWORD', 'short'],
    ['LOG_LEVEL', 'verbose'],
    ['BULWARK_CHECKPOINT_INTERVAL_SECONDS', '301'],
    ['BULWARK_SEED_DEMO', 'maybe'],
    ['BULWARK_HELP_CENTER_STAFF_IDLE_MINUTES', '0'],
    ['BULWARK_HELP_CENTER_STAFF_IDLE_MINUTES', '121'],
    ['BULWARK_DETECTION_THRESHOLDS', 'supportTenants=1'],
    ['BULWARK_DETECTION_THRESHOLDS', 'tenants=5'],
    ['BULWARK_SIGMA_PLACEHOLDERS', '{"legtimate_identifiers": "@acme.example"}'],
    ['BULWARK_SIGMA_PLACEHOLDERS', 'not json'],
  ] as const) {
    it(`rejects ${name}=${value} with one line naming the variable`, () => {
      const r = loadConfig({ [name]: value });
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.match(r.message, new RegExp(`^Invalid configuration: ${name}: `));
        assert.doesNotMatch(r.message, /\n/);
      }
    });
  }

  it('reads the detections: no Sigma directory by default, placeholders as JSON, thresholds over the defaults', () => {
    const defaults = loadConfig({});
    assert.ok(defaults.ok);
    assert.equal(defaults.config.detections.sigmaDir, undefined);
    assert.equal(defaults.config.detections.thresholds.supportTenants, 5);
    const set = loadConfig({ BULWARK_SIGMA_DIR: 'rules', BULWARK_SIGMA_PLACEHOLDERS: '{"legtimate_identifiers": ["@acme.example"]}', BULWARK_DETECTION_THRESHOLDS: 'supportTenants=3, resetWindowHours=48' });
    assert.ok(set.ok);
    assert.match(set.config.detections.sigmaDir ?? '', /^\/.*\/rules$/);
    assert.deepEqual(set.config.detections.sigmaPlaceholders, { legtimate_identifiers: ['@acme.example'] });
    assert.equal(set.config.detections.thresholds.supportTenants, 3);
    assert.equal(set.config.detections.thresholds.resetWindowHours, 48);
    assert.equal(set.config.detections.thresholds.supportWindowMinutes, 60);
  });

  it('gives support staff a Help Center idle timeout of 15 minutes, never longer than customers\'', () => {
    const defaults = loadConfig({});
    assert.ok(defaults.ok);
    assert.deepEqual(defaults.config.helpCenterSession, { idleMinutes: 30, maxHours: 8, staffIdleMinutes: 15 });
    const set = loadConfig({ BULWARK_HELP_CENTER_STAFF_IDLE_MINUTES: '5' });
    assert.ok(set.ok);
    assert.equal(set.config.helpCenterSession.staffIdleMinutes, 5);
    const stricterCustomers = loadConfig({ BULWARK_HELP_CENTER_IDLE_MINUTES: '10' });
    assert.ok(stricterCustomers.ok);
    assert.equal(stricterCustomers.config.helpCenterSession.staffIdleMinutes, 10);
  });

  it('stops npm start with exit code 2 and one line on stderr when a value is bad', () => {
    const r = spawnSync(process.execPath, ['src/main.ts'], { env: { ...process.env, PORT: 'abc' }, encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /PORT/);
  });

  it('never echoes a secret value in the error', () => {
    const r = loadConfig({ BULWARK_BOOTSTRAP_API_TOKEN: 'secret value with spaces that is long enough' });
    assert.equal(r.ok, false);
    if (!r.ok) assert.doesNotMatch(r.message, /secret value/);
  });
});
