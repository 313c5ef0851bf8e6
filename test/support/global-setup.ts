import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as DataSourceModule from '../../src/database/data-source.js';
import type * as DatabasesModule from '../../src/database/databases.js';
import type * as EmbeddedModule from '../../src/database/embedded-postgres.js';
import type * as MigrationsModule from '../../src/database/run-migrations.js';
import type * as LoggerModule from '../../src/common/logging/json-logger.js';

/**
 * Jest runs this file outside its module system, where TypeScript sources cannot be imported
 * (not even this folder's); it uses the build that `npm test` makes first (the pretest script).
 */
async function fromDist<T>(sourcePath: string): Promise<T> {
  const url = new URL(`../../dist/${sourcePath.replace(/\.ts$/, '.js')}`, import.meta.url);
  try {
    return (await import(url.href)) as T;
  } catch (err) {
    throw new Error(`Cannot load ${url.pathname}: run \`npm run build\` first (npm test does).`, {
      cause: err,
    });
  }
}

declare global {
  var __MEETINGHOUSE_EMBEDDED__: EmbeddedModule.EmbeddedPostgres | undefined;
}

/**
 * One PostgreSQL server for the whole run (embedded, or DATABASE_URL's server when set) and one
 * migrated template database; each test file copies the template into a database of its own,
 * so files run in parallel without seeing each other's data.
 */
export default async function globalSetup(): Promise<void> {
  const { Logger } = await import('@nestjs/common');
  const { JsonLogger } = await fromDist<typeof LoggerModule>('src/common/logging/json-logger.ts');
  Logger.overrideLogger(new JsonLogger('error', (line) => process.stderr.write(line + '\n')));
  const { EmbeddedPostgres } = await fromDist<typeof EmbeddedModule>(
    'src/database/embedded-postgres.ts',
  );
  const { createDatabase } = await fromDist<typeof DatabasesModule>('src/database/databases.ts');
  const { createDataSource } = await fromDist<typeof DataSourceModule>(
    'src/database/data-source.ts',
  );
  const { runPendingMigrations } = await fromDist<typeof MigrationsModule>(
    'src/database/run-migrations.ts',
  );

  let adminUrl = process.env.DATABASE_URL;
  if (adminUrl === undefined || adminUrl === '') {
    const dataDir = await mkdtemp(join(tmpdir(), 'meetinghouse-test-'));
    const server = await EmbeddedPostgres.start({ dataDir, database: 'meetinghouse_test' });
    globalThis.__MEETINGHOUSE_EMBEDDED__ = server;
    adminUrl = server.url('postgres');
  }
  const templateUrl = await createDatabase(adminUrl, 'meetinghouse_template');
  const dataSource = createDataSource({ url: templateUrl, poolSize: 2 });
  await dataSource.initialize();
  try {
    await runPendingMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
  // Every test file leaves its log lines and the secrets it used here (run-record.ts), for the
  // anonymity audit that global-teardown.ts makes of the whole run.
  process.env.MEETINGHOUSE_TEST_RUN_DIR = await mkdtemp(join(tmpdir(), 'meetinghouse-run-'));
  process.env.MEETINGHOUSE_TEST_ADMIN_URL = adminUrl;
  process.env.MEETINGHOUSE_TEST_TEMPLATE_URL = templateUrl;
}
