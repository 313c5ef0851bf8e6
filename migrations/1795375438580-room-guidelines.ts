import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A room's own guidelines, read before joining (null keeps the general ones). */
export class RoomGuidelines1795375438580 implements MigrationInterface {
  name = 'RoomGuidelines1795375438580';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "room" ADD "guidelines" character varying(4000)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "room" DROP COLUMN "guidelines"`);
  }
}
