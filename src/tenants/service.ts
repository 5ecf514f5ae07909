import type { Db } from '#src/db/database.ts';
import { createEveryoneGroup } from '#src/groups/service.ts';
import { OktaErrors } from '#src/http/errors.ts';
import type { Clock } from '#src/lib/clock.ts';
import { newId } from '#src/lib/ids.ts';
import { newSecret } from '#src/lib/secrets.ts';
import { requirePasskeysEverywhere } from '#src/policy/sign-on.ts';
import { grantRole } from '#src/roles/service.ts';
import { ROLE_TYPES } from '#src/roles/permissions.ts';
import type { ServiceContext } from '#src/service-context.ts';
import type { AuditContext } from '#src/syslog/log-event.ts';
import { recordEvent, startTenantLog } from '#src/syslog/service.ts';
import { issueToken } from '#src/tokens/service.ts';
import { insertNewUser, passwordHashForNewTenant, userTarget } from '#src/users/service.ts';
import { findTenantById, findTenantBySlug, insertTenant, listTenantRows, setRetention, type TenantRow } from './store.ts';

export type { TenantRow };

const SLUG = /^[a-z][a-z0-9-]{1,62}$/;
const CELL = /^[a-z][a-z0-9-]{0,31}$/;
/**
 * Names a tenant cannot take because they would shadow the operator's own hosts; `support-` starts the hosts
 * of the cells' Help Centers (src/helpcenter/hosts.ts), `staff-` the cells' support planes (supportPlaneSlug).
 */
const RESERVED = new Set(['www', 'api', 'admin', 'login', 'support', 'status', 'static', 'assets', 'mail', 'system']);
const RESERVED_PREFIXES = ['support-', 'staff-'];

/**
 * The support plane of a cell is a tenant of its own (docs/help-center.md): its users are the support staff of
 * that cell, who sign in to the cell's Help Center through it, as customers do through theirs.
 */
export function supportPlaneSlug(cell: string): string {
  return `staff-${cell}`;
}

export function isSupportPlane(tenant: Pick<TenantRow, 'slug' | 'cell'>): boolean {
  return tenant.slug === supportPlaneSlug(tenant.cell);
}

export type CreateTenantInput = {
  slug: string;
  name?: string;
  cell?: string;
  adminEmail: string;
  adminPassword?: string;
  /** The first token's value when the operator fixed it (BULWARK_BOOTSTRAP_API_TOKEN); generated otherwise. */
  apiToken?: string;
};

export type CreatedTenant = { tenant: TenantRow; adminId: string; adminLogin: string; adminPassword: string; apiToken: string };

/** The operator, as the actor of events that no tenant user caused. */
export function operatorContext(transactionId: string): AuditContext {
  return {
    // Actor and transaction keys in RFC 8785 order, as build-event.ts explains.
    actor: { alternateId: 'system@bulwark', detailEntry: null, displayName: 'Bulwark operator', id: 'bulwark-operator', type: 'SystemPrincipal' },
    ipAddress: null,
    userAgent: null,
    transaction: { detail: {}, id: transactionId, type: 'JOB' },
    requestUri: null,
  };
}

/** A service context acting as the operator inside one tenant (CLI commands, bootstrap, jobs). */
export function operatorServiceContext(db: Db, clock: Clock, tenantId: string, transactionId: string): ServiceContext {
  return {
    db,
    clock,
    tenantId,
    audit: operatorContext(transactionId),
    actor: { userId: null, roles: new Set(ROLE_TYPES) },
    authChanged: () => {},
  };
}

/**
 * Creates a tenant with its log chain, the built-in Everyone group, a first super admin and that admin's
 * first API token, all in one transaction: a tenant exists whole or not at all.
 */
export async function createTenant(db: Db, clock: Clock, input: CreateTenantInput): Promise<CreatedTenant> {
  if (!SLUG.test(input.slug) || RESERVED.has(input.slug) || RESERVED_PREFIXES.some((p) => input.slug.startsWith(p))) {
    throw OktaErrors.validation('slug', ['slug: 2-63 characters, lower-case letters, digits and hyphens, starting with a letter, not a reserved name']);
  }
  return createTenantRow(db, clock, input, false);
}

/**
 * Creates the support plane of `cell`: a tenant named by supportPlaneSlug whose sign-on policy asks for a
 * passkey at every sign-in (written in the same transaction), with a first super admin who manages the staff.
 */
export async function createSupportPlane(db: Db, clock: Clock, input: Omit<CreateTenantInput, 'slug'> & { cell: string }): Promise<CreatedTenant> {
  return createTenantRow(db, clock, { name: `Support staff (${input.cell})`, ...input, slug: supportPlaneSlug(input.cell) }, true);
}

async function createTenantRow(db: Db, clock: Clock, input: CreateTenantInput, supportPlane: boolean): Promise<CreatedTenant> {
  const cell = input.cell ?? 'commercial';
  if (!CELL.test(cell)) throw OktaErrors.validation('cell', ['cell: lower-case letters, digits and hyphens, starting with a letter']);
  const adminPassword = input.adminPassword ?? `${newSecret(12)}Aa1`;
  const tenant: TenantRow = { id: newId('00o'), slug: input.slug, name: input.name ?? input.slug, cell, logRetentionDays: 365, created: clock.now() };
  const passwordHash = await passwordHashForNewTenant(adminPassword, input.adminEmail);
  const ctx = operatorServiceContext(db, clock, tenant.id, `tenant-create-${tenant.id}`);
  try {
    return await db.transaction().execute(async (tx) => {
      await insertTenant(tx, tenant);
      await startTenantLog(tx, tenant.id);
      await recordEvent(tx, clock, tenant.id, ctx.audit, {
        eventType: 'bulwark.tenant.create',
        displayMessage: 'Create tenant',
        target: [{ id: tenant.id, type: 'Org', alternateId: tenant.slug, displayName: tenant.name, detailEntry: { cell } }],
      });
      await createEveryoneGroup(tx, ctx);
      const admin = await insertNewUser(tx, ctx, {
        profile: { login: input.adminEmail, email: input.adminEmail, firstName: 'Super', lastName: 'Admin' },
        activate: true,
        expirePassword: false,
      }, passwordHash);
      await grantRole(tx, ctx, userTarget(admin), 'SUPER_ADMIN');
      const token = await issueToken(tx, ctx, userTarget(admin), 'bootstrap', input.apiToken);
      if (supportPlane) await requirePasskeysEverywhere(tx, ctx);
      return { tenant, adminId: admin.id, adminLogin: input.adminEmail, adminPassword, apiToken: token.value };
    });
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw OktaErrors.validation('slug', [supportPlane ? `cell: the ${cell} cell already has a support plane` : 'slug: A tenant with this slug already exists']);
    throw err;
  }
}

export function listTenants(db: Db): Promise<TenantRow[]> {
  return listTenantRows(db);
}

/** The tenant with this slug, or undefined. */
export function findTenant(db: Db, slug: string): Promise<TenantRow | undefined> {
  return findTenantBySlug(db, slug);
}

export function findTenantOfId(db: Db, id: string): Promise<TenantRow | undefined> {
  return findTenantById(db, id);
}

export async function getTenantBySlug(db: Db, slug: string): Promise<TenantRow> {
  const tenant = await findTenantBySlug(db, slug);
  if (!tenant) throw OktaErrors.notFound(`${slug} (Tenant)`);
  return tenant;
}

/** Sets how long the tenant's System Log keeps events (default 365 days; Okta keeps 90). */
export async function setLogRetention(db: Db, clock: Clock, slug: string, days: number): Promise<void> {
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw OktaErrors.validation('days', ['days: an integer from 1 to 3650']);
  const tenant = await getTenantBySlug(db, slug);
  const ctx = operatorServiceContext(db, clock, tenant.id, `retention-${Date.now()}`);
  await db.transaction().execute(async (tx) => {
    await setRetention(tx, tenant.id, days);
    await recordEvent(tx, clock, tenant.id, ctx.audit, {
      eventType: 'bulwark.tenant.log_retention.update',
      displayMessage: 'Update System Log retention',
      target: [{ id: tenant.id, type: 'Org', alternateId: tenant.slug, displayName: tenant.name, detailEntry: null, changeDetails: { from: { days: tenant.logRetentionDays }, to: { days } } }],
    });
  });
}
