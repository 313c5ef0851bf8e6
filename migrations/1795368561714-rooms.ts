import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Anonymous rooms: participants (a token hash and an expiry, nothing else), rooms, members
 * (room-scoped identities), messages, reports; live connections per app instance (so presence
 * survives neither a crashed instance nor a restart), and the Socket.IO Postgres adapter's
 * table for large broadcasts. Facilitators may now be assigned to a single room.
 */
export class Rooms1795368561714 implements MigrationInterface {
  name = 'Rooms1795368561714';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "room" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(120) NOT NULL, "meeting_id" uuid, "status" character varying(10) NOT NULL DEFAULT 'scheduled', "opens_at" TIMESTAMP WITH TIME ZONE, "closes_at" TIMESTAMP WITH TIME ZONE, "override_status" character varying(10), "override_until" TIMESTAMP WITH TIME ZONE, "locked" boolean NOT NULL DEFAULT false, "waiting_room" boolean NOT NULL DEFAULT false, "slow_mode_seconds" integer NOT NULL DEFAULT '0', "share_seconds" integer NOT NULL DEFAULT '180', "retention_days" integer NOT NULL DEFAULT '30', "last_seq" bigint NOT NULL DEFAULT '0', "pinned_message_id" uuid, "closed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "REL_acb557a2987d5b683b8d1f9667" UNIQUE ("meeting_id"), CONSTRAINT "room_limits_check" CHECK ("slow_mode_seconds" BETWEEN 0 AND 3600 AND "share_seconds" BETWEEN 10 AND 3600 AND "retention_days" BETWEEN 0 AND 3650), CONSTRAINT "room_override_check" CHECK ("override_status" IS NULL OR "override_status" IN ('open', 'closed')), CONSTRAINT "room_status_check" CHECK ("status" IN ('scheduled', 'open', 'closed')), CONSTRAINT "room_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "room_meeting_unique" ON "room"  ("meeting_id") WHERE "meeting_id" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "participant" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "token_hash" character(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "participant_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "participant_token_hash_unique" ON "participant"  ("token_hash") `,
    );
    await queryRunner.query(
      `CREATE INDEX "participant_expires_idx" ON "participant"  ("expires_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "room_member" ("id" uuid NOT NULL, "room_id" uuid NOT NULL, "participant_id" uuid, "account_id" uuid, "handle" character varying(24) NOT NULL, "role" character varying(12) NOT NULL, "state" character varying(10) NOT NULL, "hand_raised_at" TIMESTAMP WITH TIME ZONE, "muted_until" TIMESTAMP WITH TIME ZONE, "joined_at" TIMESTAMP WITH TIME ZONE NOT NULL, "present_seconds" integer NOT NULL DEFAULT '0', "last_sent_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "room_member_state_check" CHECK ("state" IN ('active', 'waiting', 'left', 'kicked')), CONSTRAINT "room_member_role_check" CHECK ("role" IN ('participant', 'facilitator')), CONSTRAINT "room_member_one_identity" CHECK (num_nonnulls("participant_id", "account_id") = 1), CONSTRAINT "room_member_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "room_member_account_unique" ON "room_member"  ("room_id", "account_id") WHERE "account_id" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "room_member_participant_unique" ON "room_member"  ("room_id", "participant_id") WHERE "participant_id" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "message" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "room_id" uuid NOT NULL, "seq" bigint NOT NULL, "member_id" uuid NOT NULL, "client_id" uuid NOT NULL, "body" text NOT NULL, "author_handle" character varying(24) NOT NULL, "author_role" character varying(12) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "message_client_id_unique" UNIQUE ("room_id", "member_id", "client_id"), CONSTRAINT "message_room_seq_unique" UNIQUE ("room_id", "seq"), CONSTRAINT "message_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "message_created_idx" ON "message"  ("created_at") `);
    await queryRunner.query(
      `CREATE TABLE "message_report" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "room_id" uuid NOT NULL, "message_id" uuid NOT NULL, "reporter_member_id" uuid NOT NULL, "reason" character varying(500) NOT NULL, "status" character varying(10) NOT NULL DEFAULT 'open', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "resolved_at" TIMESTAMP WITH TIME ZONE, "resolved_by" uuid, "resolution_note" character varying(1000), CONSTRAINT "message_report_status_check" CHECK ("status" IN ('open', 'resolved')), CONSTRAINT "message_report_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "message_report_room_status_idx" ON "message_report"  ("room_id", "status") `,
    );
    await queryRunner.query(`ALTER TABLE "facilitator_assignment" ADD "room_id" uuid`);
    await queryRunner.query(
      `ALTER TABLE "room" ADD CONSTRAINT "room_meeting_fk" FOREIGN KEY ("meeting_id") REFERENCES "meeting"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "facilitator_assignment" ADD CONSTRAINT "facilitator_assignment_room_fk" FOREIGN KEY ("room_id") REFERENCES "room"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "room_member" ADD CONSTRAINT "room_member_room_fk" FOREIGN KEY ("room_id") REFERENCES "room"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "room_member" ADD CONSTRAINT "room_member_participant_fk" FOREIGN KEY ("participant_id") REFERENCES "participant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "room_member" ADD CONSTRAINT "room_member_account_fk" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "message" ADD CONSTRAINT "message_room_fk" FOREIGN KEY ("room_id") REFERENCES "room"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "message" ADD CONSTRAINT "message_member_fk" FOREIGN KEY ("member_id") REFERENCES "room_member"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "message_report" ADD CONSTRAINT "message_report_room_fk" FOREIGN KEY ("room_id") REFERENCES "room"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "message_report" ADD CONSTRAINT "message_report_message_fk" FOREIGN KEY ("message_id") REFERENCES "message"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "facilitator_assignment" DROP CONSTRAINT "facilitator_assignment_one_target"`,
    );
    await queryRunner.query(
      `ALTER TABLE "facilitator_assignment" ADD CONSTRAINT "facilitator_assignment_one_target" CHECK (num_nonnulls("group_id", "meeting_id", "room_id") = 1)`,
    );
    await queryRunner.query(
      `CREATE TABLE "app_node" ("id" uuid NOT NULL, "heartbeat_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "app_node_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "room_connection" ("socket_id" character varying(40) NOT NULL, "room_id" uuid NOT NULL, "member_id" uuid NOT NULL, "node_id" uuid NOT NULL, "connected_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "room_connection_pkey" PRIMARY KEY ("socket_id", "room_id"), CONSTRAINT "room_connection_room_fk" FOREIGN KEY ("room_id") REFERENCES "room"("id") ON DELETE CASCADE, CONSTRAINT "room_connection_member_fk" FOREIGN KEY ("member_id") REFERENCES "room_member"("id") ON DELETE CASCADE)`,
    );
    await queryRunner.query(
      `CREATE INDEX "room_connection_room_idx" ON "room_connection" ("room_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "room_connection_member_idx" ON "room_connection" ("member_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "room_connection_node_idx" ON "room_connection" ("node_id")`,
    );
    // Layout required by @socket.io/postgres-adapter (payloads over NOTIFY's 8000 bytes).
    await queryRunner.query(
      `CREATE TABLE "socket_io_attachments" ("id" bigserial UNIQUE, "created_at" TIMESTAMP WITH TIME ZONE DEFAULT now(), "payload" bytea)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "socket_io_attachments"`);
    await queryRunner.query(`DROP TABLE "room_connection"`);
    await queryRunner.query(`DROP TABLE "app_node"`);
    await queryRunner.query(`DELETE FROM "facilitator_assignment" WHERE "room_id" IS NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE "facilitator_assignment" DROP CONSTRAINT "facilitator_assignment_one_target"`,
    );
    await queryRunner.query(
      `ALTER TABLE "facilitator_assignment" ADD CONSTRAINT "facilitator_assignment_one_target" CHECK (num_nonnulls("group_id", "meeting_id") = 1)`,
    );
    await queryRunner.query(
      `ALTER TABLE "message_report" DROP CONSTRAINT "message_report_message_fk"`,
    );
    await queryRunner.query(
      `ALTER TABLE "message_report" DROP CONSTRAINT "message_report_room_fk"`,
    );
    await queryRunner.query(`ALTER TABLE "message" DROP CONSTRAINT "message_member_fk"`);
    await queryRunner.query(`ALTER TABLE "message" DROP CONSTRAINT "message_room_fk"`);
    await queryRunner.query(`ALTER TABLE "room_member" DROP CONSTRAINT "room_member_account_fk"`);
    await queryRunner.query(
      `ALTER TABLE "room_member" DROP CONSTRAINT "room_member_participant_fk"`,
    );
    await queryRunner.query(`ALTER TABLE "room_member" DROP CONSTRAINT "room_member_room_fk"`);
    await queryRunner.query(
      `ALTER TABLE "facilitator_assignment" DROP CONSTRAINT "facilitator_assignment_room_fk"`,
    );
    await queryRunner.query(`ALTER TABLE "room" DROP CONSTRAINT "room_meeting_fk"`);
    await queryRunner.query(`ALTER TABLE "facilitator_assignment" DROP COLUMN "room_id"`);
    await queryRunner.query(`DROP INDEX "public"."message_report_room_status_idx"`);
    await queryRunner.query(`DROP TABLE "message_report"`);
    await queryRunner.query(`DROP INDEX "public"."message_created_idx"`);
    await queryRunner.query(`DROP TABLE "message"`);
    await queryRunner.query(`DROP INDEX "public"."room_member_participant_unique"`);
    await queryRunner.query(`DROP INDEX "public"."room_member_account_unique"`);
    await queryRunner.query(`DROP TABLE "room_member"`);
    await queryRunner.query(`DROP INDEX "public"."participant_expires_idx"`);
    await queryRunner.query(`DROP INDEX "public"."participant_token_hash_unique"`);
    await queryRunner.query(`DROP TABLE "participant"`);
    await queryRunner.query(`DROP INDEX "public"."room_meeting_unique"`);
    await queryRunner.query(`DROP TABLE "room"`);
  }
}
