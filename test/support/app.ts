import type { DynamicModule, Type } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import { loadConfig, type AppConfig } from '../../src/config/config.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { captureLogger, captureNestLogs } from './logs.js';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  databaseUrl: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Environment variables as the service would read them (NODE_ENV defaults to test). */
  env?: Record<string, string>;
  /** Share a database between apps (two nodes); by default each app gets a fresh one. */
  databaseUrl?: string;
  /** Extra controllers/modules, for probing the shared request pipeline. */
  extraImports?: (Type | DynamicModule)[];
  controllers?: Type[];
}

/** The real service, configured exactly as main.ts does, listening on a free port. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  captureNestLogs();
  const config = loadConfig({ NODE_ENV: 'test', ...options.env });
  let database: TestDatabase | undefined;
  const databaseUrl = options.databaseUrl ?? (database = await createTestDatabase()).url;

  @Module({
    imports: [AppModule.forRoot(config, databaseUrl), ...(options.extraImports ?? [])],
    controllers: options.controllers ?? [],
  })
  class TestRootModule {}

  const app = await NestFactory.create<NestExpressApplication>(TestRootModule, {
    logger: captureLogger,
    bodyParser: false,
    abortOnError: false,
  });
  await configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const address = (app.getHttpServer() as { address(): { port: number } }).address();
  return {
    app,
    config,
    baseUrl: `http://127.0.0.1:${address.port}`,
    databaseUrl,
    close: async () => {
      await app.close();
      await database?.drop();
    },
  };
}
