import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mayTransition, targetStatus, USER_STATUSES, type LifecycleOp } from './lifecycle.ts';

describe('user lifecycle', () => {
  it('allows exactly Okta legal transitions', () => {
    const legal: Record<LifecycleOp, string[]> = {
      activate: ['STAGED', 'DEPROVISIONED'],
      reactivate: ['PROVISIONED'],
      deactivate: USER_STATUSES.filter((s) => s !== 'DEPROVISIONED'),
      suspend: ['ACTIVE'],
      unsuspend: ['SUSPENDED'],
      unlock: ['LOCKED_OUT'],
      expire_password: ['ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT'],
      reset_password: ['ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT'],
    };
    for (const [op, from] of Object.entries(legal) as [LifecycleOp, string[]][]) {
      for (const status of USER_STATUSES) assert.equal(mayTransition(op, status), from.includes(status), `${op} from ${status}`);
    }
  });

  it('activates to ACTIVE with a password and to PROVISIONED without one', () => {
    assert.equal(targetStatus('activate', true), 'ACTIVE');
    assert.equal(targetStatus('activate', false), 'PROVISIONED');
    assert.equal(targetStatus('reset_password', true), 'RECOVERY');
  });
});
