import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadAsnTable } from './asn-table.ts';

describe('ASN table', async () => {
  // The same cache directory the test servers use (test/helpers.ts), so the index is built once per machine.
  const table = await loadAsnTable(join(tmpdir(), 'bulwark-test-data', 'cache'));

  it('names the networks of well-known addresses, IPv4 and IPv6 in any notation', () => {
    assert.ok(table.ranges > 400_000);
    for (const [ip, asn] of [
      ['8.8.8.8', 15169], ['8.8.4.4', 15169], ['1.1.1.1', 13335], ['::ffff:8.8.8.8', 15169], ['::FFFF:1.1.1.1', 13335],
      ['2001:4860:4860::8888', 15169], ['2001:4860:4860:0:0:0:0:8888', 15169], ['2606:4700:4700::1111', 13335],
    ] as const) {
      assert.equal(table.lookup(ip)?.asn, asn, ip);
    }
    assert.match(table.lookup('8.8.8.8')?.org ?? '', /Google/);
  });

  it('knows no network for private, loopback, documentation and malformed addresses', () => {
    for (const ip of ['10.1.2.3', '192.168.0.1', '127.0.0.1', '::1', 'fe80::1', '192.0.2.1', '2001:db8::1', 'not an ip', '', '999.1.1.1']) {
      assert.equal(table.lookup(ip), undefined, ip);
    }
  });
});
