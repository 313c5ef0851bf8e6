import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../app.module.js';
import { JsonLogger } from '../../common/logging/json-logger.js';
import { loadConfigFromEnvironment } from '../../config/config.js';
import { EmbeddedPostgres } from '../../database/embedded-postgres.js';
import { ImportsService } from '../imports/imports.service.js';
import { demoDirectory } from './demo-directory.js';

/** The demo directory's source name: re-seeding replaces exactly these meetings. */
const DEMO_SOURCE = 'demo';

/**
 * `npm run seed [count]`: loads the demo directory through the regular import path (so it is
 * validated like any feed), replacing an earlier demo load and touching nothing else.
 */
async function main(): Promise<void> {
  const config = loadConfigFromEnvironment();
  const logger = new JsonLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  Logger.overrideLogger(logger);
  const count = Number(process.argv[2] ?? 300);
  if (!Number.isInteger(count) || count < 1 || count > 200_000) {
    process.stderr.write('Usage: npm run seed [-- count]   (1 to 200000, default 300)\n');
    process.exit(2);
  }
  let embedded: EmbeddedPostgres | undefined;
  let exitCode = 1;
  try {
    let url = config.databaseUrl;
    if (url === undefined) {
      embedded = await EmbeddedPostgres.start({ dataDir: config.dataDir });
      url = embedded.url();
    }
    const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, url), {
      logger,
    });
    try {
      const result = await app.get(ImportsService).run({
        format: 'meeting-guide',
        source: DEMO_SOURCE,
        data: demoDirectory({ count }),
        prune: true,
      });
      process.stdout.write(
        `Demo directory loaded: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged, ` +
          `${result.removed} removed, ${result.errors.length} rejected.\n`,
      );
      for (const error of result.errors.slice(0, 5))
        process.stdout.write(`  row ${error.index}: ${error.message}\n`);
      exitCode = result.errors.length === 0 ? 0 : 1;
    } finally {
      await app.close();
    }
  } catch (err) {
    process.stderr.write(`seed failed: ${(err as Error).message}\n`);
  } finally {
    await embedded?.stop();
  }
  process.exit(exitCode);
}

await main();
