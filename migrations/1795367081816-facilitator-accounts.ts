import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Facilitator and admin accounts (the only identified people in the system) and what each
 * facilitator is assigned to look after.
 */
export class FacilitatorAccounts1795367081816 implements MigrationInterface {
  name = 'FacilitatorAccounts1795367081816';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "account" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" character varying(254) NOT NULL, "display_name" character varying(80) NOT NULL, "password_hash" character varying(255) NOT NULL, "role" character varying(12) NOT NULL, "disabled" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "account_email_unique" UNIQUE ("email"), CONSTRAINT "account_role_check" CHECK ("role" IN ('admin', 'facilitator')), CONSTRAINT "account_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "facilitator_assignment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "account_id" uuid NOT NULL, "group_id" uuid, "meeting_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "facilitator_assignment_one_target" CHECK (num_nonnulls("group_id", "meeting_id") = 1), CONSTRAINT "facilitator_assignment_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "facilitator_assignment_account_idx" ON "facilitator_assignment"  ("account_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "facilitator_assignment" ADD CONSTRAINT "facilitator_assignment_account_fk" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "facilitator_assignment" ADD CONSTRAINT "facilitator_assignment_group_fk" FOREIGN KEY ("group_id") REFERENCES "meeting_group"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "facilitator_assignment" ADD CONSTRAINT "facilitator_assignment_meeting_fk" FOREIGN KEY ("meeting_id") REFERENCES "meeting"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "facilitator_assignment" DROP CONSTRAINT "facilitator_assignment_meeting_fk"`,
    );
    await queryRunner.query(
      `ALTER TABLE "facilitator_assignment" DROP CONSTRAINT "facilitator_assignment_group_fk"`,
    );
    await queryRunner.query(
      `ALTER TABLE "facilitator_assignment" DROP CONSTRAINT "facilitator_assignment_account_fk"`,
    );
    await queryRunner.query(`DROP INDEX "public"."facilitator_assignment_account_idx"`);
    await queryRunner.query(`DROP TABLE "facilitator_assignment"`);
    await queryRunner.query(`DROP TABLE "account"`);
  }
}
