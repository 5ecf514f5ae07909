import type { SecretBox } from '#src/lib/secret-box.ts';
import type { LoginChecks, SignInKind } from './relying-party.ts';

/** A sign-in must come back from the tenant within this long (the provider's own interaction lasts as long). */
const TTL_MS = 10 * 60_000;

/**
 * A Help Center sign-in in flight: which tenant it went to, and the checks its callback must pass; a staff
 * sign-in also the thumbprint of the device key its session will be bound to (`jkt`).
 */
export type LoginState = LoginChecks & { cell: string; tenantId: string; slug: string; issuer: string; started: number; kind: SignInKind; jkt?: string };

/**
 * The state is kept in the browser, sealed (AES-256-GCM) with the installation's key and bound to the cell,
 * rather than in a table: starting a sign-in writes nothing, so a flood of them costs no storage.
 */
export function sealLoginState(box: SecretBox, state: LoginState): string {
  return box.seal(JSON.stringify(state), `help-center-login:${state.cell}`);
}

/** The state sealed for this cell's Help Center and not older than ten minutes, or undefined. */
export function openLoginState(box: SecretBox, sealed: string | undefined, cell: string, now: number): LoginState | undefined {
  if (sealed === undefined || sealed === '') return undefined;
  let state: LoginState;
  try {
    state = JSON.parse(box.open(sealed, `help-center-login:${cell}`)) as LoginState;
  } catch {
    return undefined;
  }
  if (state.cell !== cell || typeof state.started !== 'number' || now - state.started >= TTL_MS || now < state.started - 60_000) return undefined;
  return state;
}
