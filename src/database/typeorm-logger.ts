import { Logger as NestLogger } from '@nestjs/common';
import type { Logger as TypeOrmLoggerInterface } from 'typeorm';

const logger = new NestLogger('Database');

/**
 * TypeORM's own loggers print query parameters, which would put message bodies and handles in
 * the logs. This one reports migrations and schema work, and query failures without parameters.
 */
export class TypeOrmLogger implements TypeOrmLoggerInterface {
  logQuery(): void {
    // Queries are not logged: their parameters are user data.
  }

  logQueryError(error: string | Error): void {
    const code = typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
    logger.debug('query failed', { sqlState: code });
  }

  logQuerySlow(time: number): void {
    logger.warn('slow query', { durationMs: time });
  }

  logSchemaBuild(message: string): void {
    logger.debug(message);
  }

  logMigration(message: string): void {
    logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') logger.warn(String(message));
    else logger.debug(String(message));
  }
}
