/**
 * Verifications of the person (docs/privileged-verification.md) made for a test: a user who holds an admin role,
 * and a verification of them asked for by a new help-desk admin, through the service, as that admin's request
 * would make it.
 */
import { systemClock } from '../../src/lib/clock.ts';
import type { RoleType } from '../../src/roles/permissions.ts';
import { operatorServiceContext } from '../../src/tenants/service.ts';
import { requestVerification, type VerificationMethod, type VerifiedAction } from '../../src/verification/service.ts';
import { apiClient, tokenWithRole, type Api, type TestServer } from '../helpers.ts';
import { grant, newPasskeyUser, newUser, type Fixture, type UserRef } from './fixtures.ts';
import type { SoftAuthenticator } from './soft-authenticator.ts';

/** A new ACTIVE user holding `role`, with a passkey on `authenticator` when one is given. */
export async function newAdminTarget(f: Fixture, role: RoleType = 'READ_ONLY_ADMIN', authenticator?: SoftAuthenticator): Promise<UserRef> {
  const user = authenticator ? await newPasskeyUser(f, authenticator) : await newUser(f, 'ACTIVE');
  await grant(f, user.id, role);
  return user;
}

export type FixtureVerification = { id: string; user: UserRef; token: string | null };

/**
 * A PENDING verification of a new user holding `role` (with a passkey on `authenticator` for TARGET_PASSKEY),
 * asked for by a new help-desk admin: its id, the user, and the link's token for TARGET_PASSKEY.
 */
export async function newVerification(
  f: Fixture, opts: { method?: VerificationMethod; action?: VerifiedAction; role?: RoleType; authenticator?: SoftAuthenticator } = {},
): Promise<FixtureVerification> {
  const method = opts.method ?? 'ADMIN_ATTESTATION';
  if (method === 'TARGET_PASSKEY' && !opts.authenticator) throw new Error('fixture: a passkey verification needs the user\'s authenticator');
  const user = await newAdminTarget(f, opts.role, opts.authenticator);
  const helpDesk = await tokenWithRole(f.db, f.tenantId, 'HELP_DESK_ADMIN');
  const operator = operatorServiceContext(f.db, systemClock, f.tenantId, `fixture-${helpDesk.userId}`);
  const ctx = {
    ...operator,
    audit: { ...operator.audit, actor: { id: helpDesk.userId, type: 'User', alternateId: 'help-desk@fixture.example.com', displayName: 'Fixture Help Desk', detailEntry: null } },
    actor: { userId: helpDesk.userId, roles: new Set<RoleType>(['HELP_DESK_ADMIN']) },
  };
  const { verification, link } = await requestVerification(ctx, user.id, { action: opts.action ?? 'RESET_FACTORS', method }, 'http://fixture.invalid');
  const token = link === null ? null : new URLSearchParams(new URL(link.url).hash.slice(1)).get('token');
  return { id: verification.id, user, token };
}

/** An API client with a token of a new admin holding `role`, and that admin's id. */
export type RoleClient = { userId: string; api: Api };

export async function roleClient(server: TestServer, tenantId: string, role: RoleType): Promise<RoleClient> {
  const { userId, token } = await tokenWithRole(server.db, tenantId, role);
  return { userId, api: apiClient(server.url, token) };
}
