import type { Executor } from '#src/db/database.ts';
import type { ServiceContext } from '#src/service-context.ts';
import type { LogTarget } from '#src/syslog/log-event.ts';
import { AppErrors } from './errors.ts';
import { findApp, type AppRow } from './store.ts';

/** The app as a System Log target, the way Okta names an AppInstance: by its label. */
export function appTarget(app: AppRow): LogTarget {
  return { id: app.id, type: 'AppInstance', alternateId: app.label, displayName: app.label, detailEntry: { signOnMode: 'OPENID_CONNECT' } };
}

/** Loads an app of this tenant (locked when it is about to change); others' apps look like absent ones. */
export async function loadApp(db: Executor, ctx: ServiceContext, id: string, lock = false): Promise<AppRow> {
  const app = await findApp(db, ctx.tenantId, id, lock);
  if (!app) throw AppErrors.appNotFound(id);
  return app;
}
