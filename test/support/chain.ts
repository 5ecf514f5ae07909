/**
 * An independent check of a tenant's hash chain, straight from the tables: seq gap-free from the anchor, every
 * hash recomputed from its predecessor and the stored canonical event, the last one equal to the chain head.
 */
import type { Db } from '../../src/db/database.ts';
import { chainHash } from '../../src/syslog/chain.ts';

/** Every way the stored chain disagrees with itself; empty when it holds. */
export async function chainProblems(db: Db, tenantId: string): Promise<string[]> {
  const head = await db.selectFrom('log_chain_heads').select(['seq', 'hash', 'anchor_seq', 'anchor_hash']).where('tenant_id', '=', tenantId).executeTakeFirst();
  if (!head) return [`tenant ${tenantId} has no chain head`];
  const rows = await db.selectFrom('log_events').select(['seq', 'event', 'hash']).where('tenant_id', '=', tenantId).orderBy('seq').execute();
  const problems: string[] = [];
  let expectedSeq = Number(head.anchor_seq) + 1;
  let prev = head.anchor_hash;
  for (const row of rows) {
    const seq = Number(row.seq);
    if (seq !== expectedSeq) problems.push(`seq ${seq} where ${expectedSeq} was expected`);
    const hash = chainHash(prev, row.event);
    if (hash !== row.hash) problems.push(`seq ${seq}: stored hash ${row.hash} but the chain gives ${hash}`);
    prev = row.hash;
    expectedSeq = seq + 1;
  }
  if (Number(head.seq) !== expectedSeq - 1) problems.push(`chain head at seq ${head.seq} but the last event is ${expectedSeq - 1}`);
  if (head.hash !== prev) problems.push(`chain head hash ${head.hash} but the last event hash is ${prev}`);
  return problems;
}
