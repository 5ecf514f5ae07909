import type { Db } from '#src/db/database.ts';
import type { Clock } from '#src/lib/clock.ts';
import { operatorContext } from '#src/tenants/service.ts';
import { plansForPurge, purgeThrough } from './retention-store.ts';
import { recordEvent } from './service.ts';

/**
 * Drops events older than each tenant's retention (default 365 days). The chain stays verifiable: the head
 * keeps the seq and hash of the last dropped event as its anchor, verification starts there, and the purge
 * itself is logged on the chain with what it removed.
 */
export async function purgeExpiredEvents(db: Db, clock: Clock): Promise<{ tenantId: string; purged: number; throughSeq: number }[]> {
  return db.transaction().execute(async (tx) => {
    const plans = await plansForPurge(tx, clock.now());
    const done = [];
    for (const plan of plans) {
      const purged = await purgeThrough(tx, plan);
      await recordEvent(tx, clock, plan.tenantId, operatorContext(`retention-${plan.tenantId}-${plan.throughSeq}`), {
        eventType: 'bulwark.log.retention.purge',
        displayMessage: 'Purge System Log events past retention',
        target: [{ id: plan.tenantId, type: 'Org', alternateId: null, displayName: null, detailEntry: null }],
        debugData: { purgedEvents: purged, purgedThroughSeq: plan.throughSeq, anchorHash: plan.hash },
      });
      done.push({ tenantId: plan.tenantId, purged, throughSeq: plan.throughSeq });
    }
    return done;
  });
}
