import type { Db, Executor } from '#src/db/database.ts';
import { OktaErrors } from '#src/http/errors.ts';
import type { ServiceContext } from '#src/service-context.ts';
import type { LogTarget } from '#src/syslog/log-event.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { defaultPasswordSettings, type PasswordSettings } from './password-rules.ts';
import { findPasswordPolicy, savePasswordPolicy } from './store.ts';

export { passwordRuleProblem, type PasswordSettings } from './password-rules.ts';

let lockoutDefault = { attempts: 10, minutes: 60 };

/**
 * The installation's default lockout (BULWARK_LOCKOUT_*), for tenants that have not set their own; set once
 * at start, like the hashing parameters.
 */
export function configurePolicyDefaults(lockout: { attempts: number; minutes: number }): void {
  lockoutDefault = { ...lockout };
}

export type PasswordPolicy = { id: string; settings: PasswordSettings; created: Date | null; lastUpdated: Date | null };

/** One PASSWORD policy per tenant, with an id derived from the tenant's. */
export function passwordPolicyId(tenantId: string): string {
  return `00p${tenantId.slice(3)}`;
}

/** The settings every tenant starts with. */
export function defaultPasswordPolicySettings(): PasswordSettings {
  return defaultPasswordSettings(lockoutDefault);
}

/** The tenant's password policy: its own settings, or the defaults until an admin sets them. */
export async function passwordPolicyOf(db: Executor, tenantId: string): Promise<PasswordPolicy> {
  const row = await findPasswordPolicy(db, tenantId);
  const defaults = defaultPasswordSettings(lockoutDefault);
  if (!row) return { id: passwordPolicyId(tenantId), settings: defaults, created: null, lastUpdated: null };
  return { id: row.id, settings: row.settings as PasswordSettings, created: row.created, lastUpdated: row.lastUpdated };
}

function policyTarget(p: PasswordPolicy): LogTarget {
  return { alternateId: 'unknown', detailEntry: { policyType: 'PASSWORD' }, displayName: 'Default Policy', id: p.id, type: 'PasswordPolicy' };
}

/** Replaces the tenant's password settings (Okta's PUT /api/v1/policies/{id}); the body is already validated. */
export async function replacePasswordPolicy(ctx: ServiceContext, id: string, settings: PasswordSettings): Promise<PasswordPolicy> {
  if (id !== passwordPolicyId(ctx.tenantId)) throw OktaErrors.notFound(`${id} (Policy)`);
  return ctx.db.transaction().execute(async (tx) => {
    const before = await passwordPolicyOf(tx, ctx.tenantId);
    const now = ctx.clock.now();
    const after: PasswordPolicy = { id, settings, created: before.created ?? now, lastUpdated: now };
    await savePasswordPolicy(tx, ctx.tenantId, { id, settings, created: after.created ?? now, lastUpdated: now });
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [{
      eventType: 'policy.lifecycle.update',
      displayMessage: 'Update policy',
      target: [{ ...policyTarget(after), changeDetails: { from: before.settings, to: settings } }],
    }]);
    return after;
  });
}

export async function getPasswordPolicy(db: Db, tenantId: string, id: string): Promise<PasswordPolicy> {
  if (id !== passwordPolicyId(tenantId)) throw OktaErrors.notFound(`${id} (Policy)`);
  return passwordPolicyOf(db, tenantId);
}
