export const USER_STATUSES = ['STAGED', 'PROVISIONED', 'ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'SUSPENDED', 'DEPROVISIONED'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export type LifecycleOp = 'activate' | 'reactivate' | 'deactivate' | 'suspend' | 'unsuspend' | 'unlock' | 'expire_password' | 'reset_password';

/** States a user may be in for each operation (Okta's user lifecycle). Anything else is an illegal transition. */
const FROM: Record<LifecycleOp, ReadonlySet<UserStatus>> = {
  activate: new Set(['STAGED', 'DEPROVISIONED']),
  reactivate: new Set(['PROVISIONED']),
  deactivate: new Set(['STAGED', 'PROVISIONED', 'ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'SUSPENDED']),
  suspend: new Set(['ACTIVE']),
  unsuspend: new Set(['SUSPENDED']),
  unlock: new Set(['LOCKED_OUT']),
  expire_password: new Set(['ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT']),
  reset_password: new Set(['ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT']),
};

export function mayTransition(op: LifecycleOp, from: UserStatus): boolean {
  return FROM[op].has(from);
}

/** The state an operation leads to; activation depends on whether the user can already sign in. */
export function targetStatus(op: LifecycleOp, hasPassword: boolean): UserStatus {
  switch (op) {
    case 'activate': return hasPassword ? 'ACTIVE' : 'PROVISIONED';
    case 'reactivate': return 'PROVISIONED';
    case 'deactivate': return 'DEPROVISIONED';
    case 'suspend': return 'SUSPENDED';
    case 'unsuspend':
    case 'unlock': return 'ACTIVE';
    case 'expire_password': return 'PASSWORD_EXPIRED';
    case 'reset_password': return 'RECOVERY';
  }
}

/** Okta's eventType and display message for each operation. */
export const LIFECYCLE_EVENTS: Record<LifecycleOp, { eventType: string; displayMessage: string }> = {
  activate: { eventType: 'user.lifecycle.activate', displayMessage: 'Activate Okta user' },
  reactivate: { eventType: 'user.lifecycle.reactivate', displayMessage: 'Reactivate Okta user' },
  deactivate: { eventType: 'user.lifecycle.deactivate', displayMessage: 'Deactivate Okta user' },
  suspend: { eventType: 'user.lifecycle.suspend', displayMessage: 'Suspend Okta user' },
  unsuspend: { eventType: 'user.lifecycle.unsuspend', displayMessage: 'Unsuspend Okta user' },
  unlock: { eventType: 'user.account.unlock_by_admin', displayMessage: 'Unlock user by admin' },
  expire_password: { eventType: 'user.account.expire_password', displayMessage: 'Expire user password' },
  reset_password: { eventType: 'user.account.reset_password', displayMessage: 'Reset Okta user password' },
};

/** The lifecycle links Okta puts on a single user, by state. */
export function lifecycleLinks(status: UserStatus): string[] {
  const ops: Record<UserStatus, string[]> = {
    STAGED: ['activate', 'deactivate'],
    PROVISIONED: ['reactivate', 'deactivate'],
    ACTIVE: ['suspend', 'deactivate', 'resetPassword', 'expirePassword'],
    RECOVERY: ['deactivate', 'resetPassword', 'expirePassword'],
    PASSWORD_EXPIRED: ['deactivate', 'resetPassword', 'expirePassword'],
    LOCKED_OUT: ['unlock', 'deactivate', 'resetPassword', 'expirePassword'],
    SUSPENDED: ['unsuspend', 'deactivate'],
    DEPROVISIONED: ['activate'],
  };
  return ops[status];
}
