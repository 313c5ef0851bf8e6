import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import {
  ConfigError,
  DEV_JWT_SECRET,
  loadConfigFromEnvironment,
  type AppConfig,
} from './config/config.js';
import { JsonLogger } from './common/logging/json-logger.js';
import { withTimeout } from './common/with-timeout.js';
import { EmbeddedPostgres } from './database/embedded-postgres.js';

const logger = new Logger('Main');

function readConfig(): AppConfig {
  try {
    return loadConfigFromEnvironment();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const jsonLogger = new JsonLogger(config.logLevel);
  Logger.overrideLogger(jsonLogger);
  if (config.jwtSecret === DEV_JWT_SECRET) {
    logger.warn(
      'JWT_SECRET is not set: using the development secret (refused when NODE_ENV=production)',
    );
  }

  let embedded: EmbeddedPostgres | undefined;
  let app: NestExpressApplication | undefined;
  let stopping = false;

  const shutdown = async (reason: string, exitCode: number): Promise<void> => {
    if (stopping) {
      logger.warn('already shutting down', { reason });
      return;
    }
    stopping = true;
    logger.log('shutting down', { reason });
    // Drain first, then the database: in-flight requests still need it.
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 35_000);
    force.unref();
    try {
      if (app !== undefined) {
        await withTimeout(app.close(), config.shutdownTimeoutMs, () => {
          logger.warn('connections still open after SHUTDOWN_TIMEOUT_MS; closing anyway');
        });
      }
      logger.log('app closed');
    } catch (err) {
      logger.error('error while closing the app', { error: (err as Error).message });
    }
    await embedded?.stop().catch((err: unknown) => {
      logger.error('error while stopping the embedded database', { error: (err as Error).message });
    });
    process.exit(exitCode);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => void shutdown(signal, 0));
  }

  try {
    let databaseUrl = config.databaseUrl;
    if (databaseUrl === undefined) {
      embedded = await EmbeddedPostgres.start({ dataDir: config.dataDir });
      databaseUrl = embedded.url();
    }
    app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, databaseUrl), {
      logger: jsonLogger,
      bodyParser: false,
      abortOnError: false,
    });
    await configureApp(app, config);
    await app.listen(config.port, config.host);
    const server = app.getHttpServer() as { address(): { port: number } | string | null };
    const address = server.address();
    logger.log('Meetinghouse is listening', {
      port: typeof address === 'object' && address !== null ? address.port : config.port,
      database: embedded === undefined ? 'DATABASE_URL' : 'embedded',
    });
  } catch (err) {
    logger.error('start-up failed', { error: (err as Error).message });
    await shutdown('start-up failed', 1);
  }
}

void main();
