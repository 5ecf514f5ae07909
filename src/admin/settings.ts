import type { Executor } from '#src/db/database.ts';
import { OktaErrors } from '#src/http/errors.ts';
import { cidrList } from '#src/policy/zones.ts';
import { ADMIN_CONSOLE, appTarget } from '#src/policy/sign-on.ts';
import type { ServiceContext } from '#src/service-context.ts';
import { recordEvents } from '#src/syslog/service.ts';
import type { NetworkInfo } from '#src/network/resolver.ts';
import type { BlockList } from 'node:net';
import { findSettings, saveSettings, type SettingsRow } from './settings-store.ts';

/**
 * A tenant's admin session settings (docs/admin-sessions.md). The defaults are what the provider told every
 * customer after the 2023 incident, and NIST SP 800-63B's AAL3: 15 minutes idle, 12 hours at most, bound to
 * the network (AS) the session started from, and a passkey within 5 minutes for a protected action.
 */
export type AdminSessionSettings = {
  maxSessionIdleMinutes: number;
  maxSessionLifetimeMinutes: number;
  protectedActionMinutes: number;
  asnBinding: { enabled: boolean; allowedAsns: number[]; allowedRanges: string[] };
};

export const SETTINGS_BOUNDS = {
  maxSessionIdleMinutes: { minimum: 5, maximum: 120 },
  maxSessionLifetimeMinutes: { minimum: 15, maximum: 1440 },
  protectedActionMinutes: { minimum: 1, maximum: 60 },
  /** Allow-list lengths: a few corporate egress networks, not the internet. */
  listItems: 50,
} as const;

export const DEFAULT_SETTINGS: AdminSessionSettings = {
  maxSessionIdleMinutes: 15,
  maxSessionLifetimeMinutes: 720,
  protectedActionMinutes: 5,
  asnBinding: { enabled: true, allowedAsns: [], allowedRanges: [] },
};

/** The settings as a request needs them: the allow-listed ranges ready to match. */
export type EffectiveSettings = AdminSessionSettings & { ranges: BlockList | null; lastUpdated: Date | null };

const CACHE_TTL_MS = 2_000;
const cache = new Map<string, { settings: EffectiveSettings; at: number }>();

function fromRow(row: SettingsRow | undefined): EffectiveSettings {
  if (!row) return { ...DEFAULT_SETTINGS, ranges: null, lastUpdated: null };
  const parsed = cidrList(row.allowedRanges);
  return {
    maxSessionIdleMinutes: row.idleMinutes,
    maxSessionLifetimeMinutes: row.maxMinutes,
    protectedActionMinutes: row.protectedActionMinutes,
    asnBinding: { enabled: row.asnBinding, allowedAsns: row.allowedAsns, allowedRanges: row.allowedRanges },
    ranges: 'list' in parsed && row.allowedRanges.length > 0 ? parsed.list : null,
    lastUpdated: row.lastUpdated,
  };
}

/**
 * The tenant's settings, read on every admin request, so cached for two seconds per process; a change in this
 * process takes effect at once, in another within the TTL.
 */
export async function adminSessionSettings(db: Executor, tenantId: string, now: number): Promise<EffectiveSettings> {
  const hit = cache.get(tenantId);
  if (hit && now - hit.at < CACHE_TTL_MS) return hit.settings;
  const settings = fromRow(await findSettings(db, tenantId));
  if (cache.size >= 10_000) cache.clear();
  cache.set(tenantId, { settings, at: now });
  return settings;
}

/** Whether a request from `network` may use a session started from `startedFrom`'s AS. */
export function networkAllowed(settings: EffectiveSettings, startedFrom: number | null, network: NetworkInfo): boolean {
  if (!settings.asnBinding.enabled || network.asn === startedFrom) return true;
  if (network.asn !== null && settings.asnBinding.allowedAsns.includes(network.asn)) return true;
  return network.ip !== null && settings.ranges !== null && settings.ranges.check(network.ip, network.ip.includes(':') ? 'ipv6' : 'ipv4');
}

function problemOf(input: AdminSessionSettings): string | null {
  if (input.maxSessionIdleMinutes > input.maxSessionLifetimeMinutes) return 'maxSessionIdleMinutes: cannot exceed maxSessionLifetimeMinutes';
  const parsed = cidrList(input.asnBinding.allowedRanges);
  if ('invalid' in parsed) return `asnBinding.allowedRanges: ${parsed.invalid} is not a CIDR block`;
  return null;
}

export function publicSettings(s: EffectiveSettings): AdminSessionSettings & { lastUpdated: string | null } {
  const { maxSessionIdleMinutes, maxSessionLifetimeMinutes, protectedActionMinutes, asnBinding } = s;
  return { maxSessionIdleMinutes, maxSessionLifetimeMinutes, protectedActionMinutes, asnBinding, lastUpdated: s.lastUpdated?.toISOString() ?? null };
}

/** Replaces the tenant's settings, logged with what changed. Live admin sessions are judged by them at their next request. */
export async function updateAdminSessionSettings(ctx: ServiceContext, input: AdminSessionSettings): Promise<EffectiveSettings> {
  const problem = problemOf(input);
  if (problem) throw OktaErrors.validation('settings', [problem]);
  const now = ctx.clock.now();
  const saved = await ctx.db.transaction().execute(async (tx) => {
    const before = publicSettings(fromRow(await findSettings(tx, ctx.tenantId, true)));
    const row: SettingsRow & { lastUpdated: Date } = {
      idleMinutes: input.maxSessionIdleMinutes,
      maxMinutes: input.maxSessionLifetimeMinutes,
      protectedActionMinutes: input.protectedActionMinutes,
      asnBinding: input.asnBinding.enabled,
      allowedAsns: [...new Set(input.asnBinding.allowedAsns)],
      allowedRanges: [...new Set(input.asnBinding.allowedRanges)],
      lastUpdated: now,
    };
    await saveSettings(tx, ctx.tenantId, row);
    const after = fromRow(row);
    const { lastUpdated: _from, ...from } = before;
    const { lastUpdated: _to, ...to } = publicSettings(after);
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [{
      eventType: 'bulwark.admin_session.settings.update',
      displayMessage: 'Update admin session settings',
      target: [{ ...appTarget(ADMIN_CONSOLE), changeDetails: { from, to } }],
    }]);
    return after;
  });
  cache.delete(ctx.tenantId);
  return saved;
}
