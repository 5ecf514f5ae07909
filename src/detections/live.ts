/**
 * The server's detections (src/server.ts): the Sigma rules of BULWARK_SIGMA_DIR, if set, and the built-in
 * rules, run by the live worker. A rule file that cannot be used is named in the process log with its reason
 * and the others run; a directory that cannot be read stops the start, as any bad setting does.
 */
import type { Config } from '#src/config.ts';
import type { Db } from '#src/db/database.ts';
import type { Clock } from '#src/lib/clock.ts';
import { loadSigmaRules, type SigmaRule, type UnsupportedRule } from './sigma-load.ts';
import { startDetectionWorker, type DetectionWorker } from './worker.ts';

export type ProcessLog = { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };

async function sigmaRules(settings: Config['detections']): Promise<{ rules: SigmaRule[]; unsupported: UnsupportedRule[] }> {
  if (settings.sigmaDir === undefined) return { rules: [], unsupported: [] };
  try {
    return await loadSigmaRules(settings.sigmaDir, { placeholders: settings.sigmaPlaceholders });
  } catch (err) {
    throw new Error(`BULWARK_SIGMA_DIR: cannot read ${settings.sigmaDir}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export async function startLiveDetections(db: Db, clock: Clock, settings: Config['detections'], log: ProcessLog): Promise<DetectionWorker> {
  const { rules, unsupported } = await sigmaRules(settings);
  for (const u of unsupported) log.warn({ file: u.file, reason: u.reason }, 'Sigma rule not loaded');
  log.info({ sigmaRules: rules.length, sigmaDir: settings.sigmaDir ?? null }, 'detections running over the live System Log');
  return startDetectionWorker({ db, clock, sigma: rules, thresholds: settings.thresholds, onError: (err) => log.warn({ err }, 'detection worker') });
}
