import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { redactDatabaseUrl } from '../config/config.js';
import { createDataSource, dataSourceOptions, type DataSourceSettings } from './data-source.js';
import { runPendingMigrations } from './run-migrations.js';

const CONNECT_ATTEMPTS = 15;
const logger = new Logger('Database');

async function connect(settings: DataSourceSettings): Promise<DataSource> {
  for (let attempt = 1; ; attempt++) {
    const dataSource = createDataSource(settings);
    try {
      await dataSource.initialize();
      await runPendingMigrations(dataSource);
      return dataSource;
    } catch (err) {
      if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
      if (attempt >= CONNECT_ATTEMPTS) {
        throw new Error(
          `Could not connect to and migrate the database at ${redactDatabaseUrl(settings.url)} (DATABASE_URL): ${(err as Error).message}`,
          { cause: err },
        );
      }
      logger.warn('database not reachable yet; retrying', {
        attempt,
        error: (err as Error).message,
      });
      await sleep(1000);
    }
  }
}

@Module({})
export class DatabaseModule {
  static forRoot(settings: DataSourceSettings): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(settings),
          dataSourceFactory: () => connect(settings),
        }),
      ],
    };
  }
}
