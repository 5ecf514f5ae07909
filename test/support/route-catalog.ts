/**
 * Every route of the app, each with a way to make one fresh call that succeeds for an admin allowed to make
 * it: the objects it acts on are created for it in the right state. Matrix tests (permissions, isolation, bad
 * input) take their calls from here and check with `assertCoversApp` that no route of the app is missing.
 */
import { addMember, grant, newGroup, newToken, newUser, profileOf, unique, type Fixture, type UserRef } from './fixtures.ts';

export type Call = {
  path: string;
  body?: unknown;
  /** The user the path names, for tests that also address it by login. */
  user?: UserRef;
};

export type RouteEntry = {
  /** A new call that succeeds for an admin allowed to make it. */
  prepare(f: Fixture): Promise<Call>;
  /** Its status on success. */
  ok: number;
  /** Whether success changes state (and so writes System Log events). */
  writes: boolean;
  /** Whether the route declares a JSON body schema. */
  body?: true;
  /** Whether the route declares a querystring schema. */
  query?: true;
  /** Whether it is outside /api and needs no token. */
  public?: true;
};

const read = (prepare: (f: Fixture) => Promise<Call>, extra: Partial<RouteEntry> = {}): RouteEntry => ({ prepare, ok: 200, writes: false, ...extra });
const write = (ok: number, prepare: (f: Fixture) => Promise<Call>, extra: Partial<RouteEntry> = {}): RouteEntry => ({ prepare, ok, writes: true, ...extra });
const fixed = (path: string) => async (): Promise<Call> => ({ path });

const onUser = (state: Parameters<typeof newUser>[1], suffix = '') => async (f: Fixture): Promise<Call> => {
  const user = await newUser(f, state);
  return { path: `/api/v1/users/${user.id}${suffix}`, user };
};

export const ROUTES: Record<string, RouteEntry> = {
  'GET /healthz': read(fixed('/healthz'), { public: true }),
  'GET /readyz': read(fixed('/readyz'), { public: true }),
  'GET /metrics': read(fixed('/metrics'), { public: true }),

  'GET /api/v1/users': read(fixed('/api/v1/users'), { query: true }),
  'POST /api/v1/users': write(200, async () => {
    const login = `${unique('new')}@fixture.example.com`;
    return { path: '/api/v1/users?activate=false', body: { profile: profileOf(login) } };
  }, { body: true, query: true }),
  'GET /api/v1/users/:id': read(onUser('PROVISIONED')),
  'POST /api/v1/users/:id': write(200, async (f) => ({ ...(await onUser('PROVISIONED')(f)), body: { profile: { title: unique('Title') } } }), { body: true }),
  'PUT /api/v1/users/:id': write(200, async (f) => {
    const call = await onUser('PROVISIONED')(f);
    return { ...call, body: { profile: { ...profileOf(call.user?.login ?? ''), lastName: unique('Replaced') } } };
  }, { body: true }),
  'DELETE /api/v1/users/:id': write(204, onUser('PROVISIONED'), { query: true }),
  'POST /api/v1/users/:id/lifecycle/activate': write(200, onUser('STAGED', '/lifecycle/activate'), { query: true }),
  'POST /api/v1/users/:id/lifecycle/reactivate': write(200, onUser('PROVISIONED', '/lifecycle/reactivate'), { query: true }),
  'POST /api/v1/users/:id/lifecycle/deactivate': write(200, onUser('PROVISIONED', '/lifecycle/deactivate'), { query: true }),
  'POST /api/v1/users/:id/lifecycle/suspend': write(200, onUser('ACTIVE', '/lifecycle/suspend'), { query: true }),
  'POST /api/v1/users/:id/lifecycle/unsuspend': write(200, onUser('SUSPENDED', '/lifecycle/unsuspend'), { query: true }),
  'POST /api/v1/users/:id/lifecycle/unlock': write(200, onUser('LOCKED_OUT', '/lifecycle/unlock'), { query: true }),
  'POST /api/v1/users/:id/lifecycle/reset_password': write(200, onUser('ACTIVE', '/lifecycle/reset_password'), { query: true }),
  'POST /api/v1/users/:id/lifecycle/expire_password': write(200, onUser('ACTIVE', '/lifecycle/expire_password'), { query: true }),
  'POST /api/v1/users/:id/lifecycle/expire_password_with_temp_password': write(200, onUser('ACTIVE', '/lifecycle/expire_password_with_temp_password'), { query: true }),

  'GET /api/v1/users/:id/roles': read(onUser('PROVISIONED', '/roles')),
  'POST /api/v1/users/:id/roles': write(201, async (f) => ({ ...(await onUser('PROVISIONED', '/roles')(f)), body: { type: 'READ_ONLY_ADMIN' } }), { body: true }),
  'DELETE /api/v1/users/:id/roles/:roleId': write(204, async (f) => {
    const user = await newUser(f);
    const roleId = await grant(f, user.id, 'HELP_DESK_ADMIN');
    return { path: `/api/v1/users/${user.id}/roles/${roleId}`, user };
  }),
  'GET /api/v1/users/:id/groups': read(onUser('PROVISIONED', '/groups'), { query: true }),

  'GET /api/v1/groups': read(fixed('/api/v1/groups'), { query: true }),
  'POST /api/v1/groups': write(200, async () => ({ path: '/api/v1/groups', body: { profile: { name: unique('Created'), description: 'made by a matrix test' } } }), { body: true }),
  'GET /api/v1/groups/:groupId': read(async (f) => ({ path: `/api/v1/groups/${(await newGroup(f)).id}` })),
  'PUT /api/v1/groups/:groupId': write(200, async (f) => ({ path: `/api/v1/groups/${(await newGroup(f)).id}`, body: { profile: { name: unique('Renamed'), description: null } } }), { body: true }),
  'DELETE /api/v1/groups/:groupId': write(204, async (f) => ({ path: `/api/v1/groups/${(await newGroup(f)).id}` })),
  'GET /api/v1/groups/:groupId/users': read(async (f) => ({ path: `/api/v1/groups/${(await newGroup(f)).id}/users` }), { query: true }),
  'PUT /api/v1/groups/:groupId/users/:userId': write(204, async (f) => {
    const [group, user] = await Promise.all([newGroup(f), newUser(f)]);
    return { path: `/api/v1/groups/${group.id}/users/${user.id}`, user };
  }),
  'DELETE /api/v1/groups/:groupId/users/:userId': write(204, async (f) => {
    const [group, user] = await Promise.all([newGroup(f), newUser(f)]);
    await addMember(f, group.id, user.id);
    return { path: `/api/v1/groups/${group.id}/users/${user.id}`, user };
  }),

  'GET /api/v1/api-tokens': read(fixed('/api/v1/api-tokens')),
  'POST /api/v1/api-tokens': write(201, async () => ({ path: '/api/v1/api-tokens', body: { name: unique('matrix') } }), { body: true }),
  'GET /api/v1/api-tokens/:id': read(async (f) => ({ path: `/api/v1/api-tokens/${(await newToken(f)).id}` })),
  'DELETE /api/v1/api-tokens/:id': write(204, async (f) => ({ path: `/api/v1/api-tokens/${(await newToken(f)).id}` })),

  'GET /api/v1/logs': read(fixed('/api/v1/logs'), { query: true }),
};

export function methodOf(key: string): string {
  return key.split(' ')[0] ?? '';
}

/** Whether the route names an object of the tenant in its path. */
export function namesObject(key: string): boolean {
  return key.includes('/:');
}
