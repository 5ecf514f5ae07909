import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { acmeImpact, action, AGENT, ALICE } from '../../test/support/impact-fixture.ts';
import { reportCsv } from './report-csv.ts';
import { buildImpactReport } from './report-model.ts';

const rowsOf = (csv: string) => parse(csv, { columns: true }) as Record<string, string>[];

describe('impact report CSV', () => {
  it('writes one row per action with what changed, outcome, actor, client and targets', () => {
    const rows = rowsOf(reportCsv(buildImpactReport(acmeImpact(), 'k')));
    assert.equal(rows.length, 7);
    assert.deepEqual(rows[1], {
      published: '2022-01-16T14:05:40.000Z',
      eventType: 'user.account.reset_password',
      change: "Password reset: the user's password was cleared and a reset link sent",
      outcome: 'SUCCESS',
      outcomeReason: '',
      actor: AGENT.alternateId,
      actorId: AGENT.id,
      ipAddress: '203.0.113.77',
      asNumber: '64500',
      asOrg: 'Example Hosting Ltd',
      country: 'NL',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/97.0',
      targets: 'User:alice@acme.example (00u_alice)',
      sessionId: 'idx_rdp_session_1',
      uuid: rows[1]?.['uuid'],
    });
  });

  it('makes every cell a spreadsheet would run as a formula text (= + - @ tab CR)', () => {
    const hostile = acmeImpact([
      action('2022-01-16T10:00:00Z', 'vendor.custom', [{ ...ALICE, alternateId: '+1+cmd|" /C calc"!A0' }], {
        displayMessage: '=HYPERLINK("http://evil.example","click")',
        actor: { ...AGENT, alternateId: '@SUM(1+1)' },
        client: { ipAddress: '\t=1+1', asNumber: null, asOrg: '\r=2', country: null, userAgent: '-2+3' },
      }),
    ]);
    const [row] = rowsOf(reportCsv(buildImpactReport(hostile, 'k')));
    assert.equal(row?.['change'], `'=HYPERLINK("http://evil.example","click")`);
    assert.equal(row?.['actor'], "'@SUM(1+1)");
    assert.equal(row?.['ipAddress'], "'\t=1+1");
    assert.equal(row?.['asOrg'], "'\r=2");
    assert.equal(row?.['userAgent'], "'-2+3");
    assert.equal(row?.['targets'], 'User:+1+cmd|" /C calc"!A0 (00u_alice)', 'a formula character inside a cell is harmless');
  });

  it('writes the header alone for a report of no actions', () => {
    assert.equal(reportCsv(buildImpactReport(acmeImpact([]), 'k')), 'published,eventType,change,outcome,outcomeReason,actor,actorId,ipAddress,asNumber,asOrg,country,userAgent,targets,sessionId,uuid\n');
  });
});
