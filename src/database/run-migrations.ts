import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

/** Arbitrary constant: the advisory-lock key every instance agrees on for migrations. */
const MIGRATION_LOCK_KEY = 7_246_410_913;

const logger = new Logger('Migrations');

/**
 * Applies pending migrations, each in its own transaction. Several instances may start at once
 * against one database; a session advisory lock lets exactly one of them migrate while the
 * others wait and then find nothing left to do.
 */
export async function runPendingMigrations(dataSource: DataSource): Promise<string[]> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const migration of applied) logger.log('migration applied', { migration: migration.name });
    return applied.map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
  }
}
