import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Contrib extensions for the directory's search: trigram text matching (pg_trgm) and
 * great-circle distance (cube + earthdistance). Both ship with stock PostgreSQL and with the
 * embedded server; PostGIS is deliberately not required.
 */
export class SearchExtensions1795365500000 implements MigrationInterface {
  name = 'SearchExtensions1795365500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await queryRunner.query('CREATE EXTENSION IF NOT EXISTS cube');
    await queryRunner.query('CREATE EXTENSION IF NOT EXISTS earthdistance');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP EXTENSION IF EXISTS earthdistance');
    await queryRunner.query('DROP EXTENSION IF EXISTS cube');
    await queryRunner.query('DROP EXTENSION IF EXISTS pg_trgm');
  }
}
