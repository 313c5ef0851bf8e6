import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from './entities.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';
import { TypeOrmLogger } from './typeorm-logger.js';

export interface DataSourceSettings {
  url: string;
  poolSize?: number;
}

/**
 * The one DataSource definition, used by the app, the migration CLI and the tests. The schema
 * comes only from migrations: `synchronize` stays off everywhere.
 */
export function dataSourceOptions(settings: DataSourceSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    // Extensions come from migrations, never as a side effect of connecting.
    installExtensions: false,
    // gen_random_uuid() is built into PostgreSQL 13+; uuid-ossp would be one more extension.
    uuidExtension: 'pgcrypto',
    namingStrategy: new SnakeNamingStrategy(),
    logger: new TypeOrmLogger(),
    logging: ['error', 'warn', 'migration', 'schema'],
    maxQueryExecutionTime: 2000,
    applicationName: 'meetinghouse',
    extra: {
      max: settings.poolSize ?? 10,
      // Fail fast when the database is gone, so requests get 503 instead of hanging.
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30000,
      // JIT compiles a query in tens of milliseconds to save time on long analytic ones; ours are
      // short lookups whose cost estimates still cross jit_above_cost, so it only adds latency.
      options: '-c jit=off',
    },
  };
}

export function createDataSource(settings: DataSourceSettings): DataSource {
  return new DataSource(dataSourceOptions(settings));
}
