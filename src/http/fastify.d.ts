import type { Permission } from '#src/roles/permissions.ts';
import type { AppDeps } from '#src/app.ts';
import type { Principal } from './principal.ts';
import type { TenantResolver } from './tenant-host.ts';
import type { SecretBox } from '#src/lib/secret-box.ts';
import type { ProofChecker } from '#src/admin/device-proof.ts';
import type { NetworkInfo, NetworkResolver } from '#src/network/resolver.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the caller must hold; every route under /api declares one, or nobody may call it. */
    permission?: Permission;
    /**
     * `public`: no API token; the route finds its tenant from the Host header (`tenantOf`) and does its own
     * checks (a password, a stateToken, a session cookie). `admin-session`: only an admin console session
     * (its own session routes). Anything else under /api needs an API token or an admin console session.
     */
    auth?: 'public' | 'admin-session';
    /**
     * A protected action (docs/admin-sessions.md): an admin session must have proved a passkey within the
     * tenant's window to do it; the value names the action in the refusal and the System Log.
     */
    protectedAction?: string;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /**
     * The client's network (AS, country), looked up by the auth hook for the requests that may write: every
     * admin console and support request, and an API token's non-GET requests. Events then name the AS.
     */
    network: NetworkInfo | null;
  }
  interface FastifyInstance {
    deps: AppDeps;
    /** The tenant a request's Host header names, or Okta's not-found error. */
    tenantOf: TenantResolver;
    /** Seals and opens the secrets Bulwark must read back (TOTP shared secrets). */
    secrets: SecretBox;
    /** The AS (and country, when known) of an address. */
    networkOf: NetworkResolver;
    /** Checks admin sessions' device-bound proofs and issues their nonces. */
    proofs: ProofChecker;
  }
}
