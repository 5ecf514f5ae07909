import type { Permission } from '#src/roles/permissions.ts';
import type { AppDeps } from '#src/app.ts';
import type { Principal } from './principal.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the caller must hold; every route under /api declares one, or nobody may call it. */
    permission?: Permission;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    deps: AppDeps;
  }
}
