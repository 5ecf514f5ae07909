/**
 * `tenantState` and `tenantSecrets` with the sign-in tables added: unfinished sign-ins (stateTokens),
 * unused sessionTokens, sessions and the networks they were started from. A refused request that consumed a
 * token, ended a session or moved its idle clock has written something, even though no row of
 * tenant-state.ts's tables changed.
 */
import type { Db } from '../../src/db/database.ts';
import { tenantSecrets, tenantState } from './tenant-state.ts';

const SIGN_IN_TABLES = ['authn_transactions', 'session_tokens', 'sessions', 'sign_in_networks'] as const;

export async function tenantStateWithSessions(db: Db, tenantId: string): Promise<Record<string, string[]>> {
  const state = await tenantState(db, tenantId);
  for (const table of SIGN_IN_TABLES) {
    const rows = await db.selectFrom(table).selectAll().where('tenant_id', '=', tenantId).execute();
    state[table] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return state;
}

/** The tenant's secrets as tenant-state.ts lists them, and its session ids. */
export async function tenantSecretsWithSessions(db: Db, tenantId: string): Promise<Set<string>> {
  const out = await tenantSecrets(db, tenantId);
  for (const s of await db.selectFrom('sessions').select('id').where('tenant_id', '=', tenantId).execute()) out.add(s.id);
  return out;
}
