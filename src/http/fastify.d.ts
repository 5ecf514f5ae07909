import type { Permission } from '#src/roles/permissions.ts';
import type { AppDeps } from '#src/app.ts';
import type { Principal } from './principal.ts';
import type { TenantResolver } from './tenant-host.ts';
import type { SecretBox } from '#src/lib/secret-box.ts';
import type { NetworkResolver } from '#src/network/resolver.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the caller must hold; every route under /api declares one, or nobody may call it. */
    permission?: Permission;
    /**
     * `public`: no API token; the route finds its tenant from the Host header (`tenantOf`) and does its own
     * checks (a password, a stateToken, a session cookie). Anything else under /api needs an API token.
     */
    auth?: 'public';
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    deps: AppDeps;
    /** The tenant a request's Host header names, or Okta's not-found error. */
    tenantOf: TenantResolver;
    /** Seals and opens the secrets Bulwark must read back (TOTP shared secrets). */
    secrets: SecretBox;
    /** The AS (and country, when known) of an address. */
    networkOf: NetworkResolver;
  }
}
