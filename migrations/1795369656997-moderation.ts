import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Facilitator tools: bans (room or group, timed or lasting), the append-only moderation audit
 * (a trigger refuses edits), the share-queue floor, the away time that keeps a raised hand's
 * place, and the attendance signing key.
 */
export class Moderation1795369656997 implements MigrationInterface {
  name = 'Moderation1795369656997';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "signing_key" ("purpose" character varying(40) NOT NULL, "private_key" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "signing_key_pkey" PRIMARY KEY ("purpose"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "moderation_audit" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor_id" uuid NOT NULL, "actor_display_name" character varying(80) NOT NULL, "action" character varying(40) NOT NULL, "room_id" uuid, "member_id" uuid, "message_id" uuid, "reason" character varying(500), CONSTRAINT "moderation_audit_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "moderation_audit_room_idx" ON "moderation_audit"  ("room_id", "at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "ban" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "participant_id" uuid NOT NULL, "room_id" uuid, "group_id" uuid, "expires_at" TIMESTAMP WITH TIME ZONE, "reason" character varying(500), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ban_one_scope" CHECK (num_nonnulls("room_id", "group_id") = 1), CONSTRAINT "ban_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ban_participant_idx" ON "ban"  ("participant_id") `);
    await queryRunner.query(`ALTER TABLE "room" ADD "floor_member_id" uuid`);
    await queryRunner.query(`ALTER TABLE "room" ADD "floor_ends_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "room_member" ADD "away_since" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `ALTER TABLE "ban" ADD CONSTRAINT "ban_participant_fk" FOREIGN KEY ("participant_id") REFERENCES "participant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`
      CREATE FUNCTION mh_audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'moderation_audit entries cannot be changed or removed' USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER mh_audit_append_only BEFORE UPDATE OR DELETE ON moderation_audit FOR EACH ROW EXECUTE FUNCTION mh_audit_is_append_only()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER mh_audit_no_truncate BEFORE TRUNCATE ON moderation_audit FOR EACH STATEMENT EXECUTE FUNCTION mh_audit_is_append_only()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER mh_audit_no_truncate ON moderation_audit`);
    await queryRunner.query(`DROP TRIGGER mh_audit_append_only ON moderation_audit`);
    await queryRunner.query(`DROP FUNCTION mh_audit_is_append_only()`);
    await queryRunner.query(`ALTER TABLE "ban" DROP CONSTRAINT "ban_participant_fk"`);
    await queryRunner.query(`ALTER TABLE "room_member" DROP COLUMN "away_since"`);
    await queryRunner.query(`ALTER TABLE "room" DROP COLUMN "floor_ends_at"`);
    await queryRunner.query(`ALTER TABLE "room" DROP COLUMN "floor_member_id"`);
    await queryRunner.query(`DROP INDEX "public"."ban_participant_idx"`);
    await queryRunner.query(`DROP TABLE "ban"`);
    await queryRunner.query(`DROP INDEX "public"."moderation_audit_room_idx"`);
    await queryRunner.query(`DROP TABLE "moderation_audit"`);
    await queryRunner.query(`DROP TABLE "signing_key"`);
  }
}
