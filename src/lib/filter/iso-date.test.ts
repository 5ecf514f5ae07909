import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isIsoDate } from './iso-date.ts';

describe('isIsoDate', () => {
  for (const valid of ['2014-01-01T00:00:00.000Z', '2024-02-29T23:59:59Z', '2013-06-01T00:00:00.123456+05:30', '0001-01-01T00:00:00-14:00']) {
    it(`accepts ${valid}`, () => assert.equal(isIsoDate(valid), true));
  }
  for (const invalid of [
    '', 'yesterday', '2014-01-01', '2014-01-01T00:00:00', '2023-02-29T00:00:00Z', '2014-13-01T00:00:00Z',
    '2014-01-01T24:00:00Z', '2014-01-01T00:00:60Z', '2014-01-01T00:00:00+15:00', '0000-01-01T00:00:00Z',
    '2014-01-01 00:00:00Z', ' 2014-01-01T00:00:00Z', '2014-01-01T00:00:00.Z', '2014-01-01T00:00:00z',
  ]) {
    it(`rejects ${JSON.stringify(invalid)}`, () => assert.equal(isIsoDate(invalid), false));
  }
});
