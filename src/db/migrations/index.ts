import type { Migration } from 'kysely/migration';
import * as foundation from './2026-11-23T00-00_foundation.ts';

/** Ordered by name; a new migration is added here and never edited once released. */
export const migrations: Record<string, Migration> = {
  '2026-11-23T00-00_foundation': foundation,
};
