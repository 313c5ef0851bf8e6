import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The meeting columns a search filters on, copied onto each of its occurrences. */
const COPIED = `attendance_option, fellowship_id, days, start_minute, types, search_text, earth`;

/**
 * Each occurrence carries a copy of its meeting's search columns, so that a search walking
 * occurrences in time order can drop the ones that do not match without fetching the meeting
 * (that lookup was most of the cost of "text" and "near me" searches), and looks up meetings
 * only for the rows it returns. The copies are kept by the same trigger that keeps the
 * occurrences, now fired by a change to any copied column too.
 */
export class OccurrenceSearchColumns1795449600000 implements MigrationInterface {
  name = 'OccurrenceSearchColumns1795449600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "meeting_occurrence"
        ADD "attendance_option" character varying(12),
        ADD "fellowship_id" uuid,
        ADD "days" smallint array,
        ADD "start_minute" smallint,
        ADD "types" character varying(20) array,
        ADD "search_text" text,
        ADD "earth" cube`);
    await queryRunner.query(`
      UPDATE meeting_occurrence o
      SET (${COPIED}) = (SELECT ${COPIED} FROM meeting m WHERE m.id = o.meeting_id)`);
    await queryRunner.query(`
      ALTER TABLE "meeting_occurrence"
        ALTER "attendance_option" SET NOT NULL,
        ALTER "fellowship_id" SET NOT NULL,
        ALTER "days" SET NOT NULL,
        ALTER "start_minute" SET NOT NULL,
        ALTER "types" SET NOT NULL,
        ALTER "search_text" SET NOT NULL`);
    // Ties on the start time are broken by meeting, as the search orders them: a walk cut
    // after N rows then ends at a well-defined place, and a page's cursor seeks straight to it.
    await queryRunner.query(
      `CREATE INDEX "meeting_occurrence_starts_meeting_idx" ON "meeting_occurrence" ("starts_at", "meeting_id")`,
    );
    await queryRunner.query(`DROP INDEX "meeting_occurrence_starts_idx"`);
    // "Near me, starting soon": the radius's box and the time window each pick rows through
    // their own index, and only rows in both are read (a window's rows lie all over the table).
    await queryRunner.query(
      `CREATE INDEX "meeting_occurrence_earth_idx" ON "meeting_occurrence" USING gist ("earth")`,
    );

    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION mh_meeting_occurrences_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE w occurrence_window%ROWTYPE;
      BEGIN
        -- FOR SHARE: waits for a window move in progress, so no meeting misses the new days.
        SELECT * INTO w FROM occurrence_window WHERE id = 1 FOR SHARE;
        DELETE FROM meeting_occurrence WHERE meeting_id = NEW.id;
        IF NEW.attendance_option <> 'inactive' THEN
          INSERT INTO meeting_occurrence (meeting_id, starts_at, ends_at, ${COPIED})
          SELECT NEW.id, o.starts_at, o.ends_at, NEW.attendance_option, NEW.fellowship_id, NEW.days,
                 NEW.start_minute, NEW.types, NEW.search_text, NEW.earth
          FROM mh_occurrences(NEW.days, NEW.start_minute, NEW.duration_minutes, NEW.timezone, w.covers_from, w.covers_to) o;
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`DROP TRIGGER mh_meeting_occurrences_update ON meeting`);
    await queryRunner.query(`
      CREATE TRIGGER mh_meeting_occurrences_update AFTER UPDATE ON meeting FOR EACH ROW
      WHEN (OLD.days IS DISTINCT FROM NEW.days OR OLD.start_minute IS DISTINCT FROM NEW.start_minute
         OR OLD.duration_minutes IS DISTINCT FROM NEW.duration_minutes OR OLD.timezone IS DISTINCT FROM NEW.timezone
         OR OLD.attendance_option IS DISTINCT FROM NEW.attendance_option
         OR OLD.fellowship_id IS DISTINCT FROM NEW.fellowship_id OR OLD.types IS DISTINCT FROM NEW.types
         OR OLD.search_text IS DISTINCT FROM NEW.search_text OR OLD.earth IS DISTINCT FROM NEW.earth)
      EXECUTE FUNCTION mh_meeting_occurrences_refresh()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER mh_meeting_occurrences_update ON meeting`);
    await queryRunner.query(`
      CREATE TRIGGER mh_meeting_occurrences_update AFTER UPDATE ON meeting FOR EACH ROW
      WHEN (OLD.days IS DISTINCT FROM NEW.days OR OLD.start_minute IS DISTINCT FROM NEW.start_minute
         OR OLD.duration_minutes IS DISTINCT FROM NEW.duration_minutes OR OLD.timezone IS DISTINCT FROM NEW.timezone
         OR OLD.attendance_option IS DISTINCT FROM NEW.attendance_option)
      EXECUTE FUNCTION mh_meeting_occurrences_refresh()`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION mh_meeting_occurrences_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE w occurrence_window%ROWTYPE;
      BEGIN
        -- FOR SHARE: waits for a window move in progress, so no meeting misses the new days.
        SELECT * INTO w FROM occurrence_window WHERE id = 1 FOR SHARE;
        DELETE FROM meeting_occurrence WHERE meeting_id = NEW.id;
        IF NEW.attendance_option <> 'inactive' THEN
          INSERT INTO meeting_occurrence (meeting_id, starts_at, ends_at)
          SELECT NEW.id, o.starts_at, o.ends_at
          FROM mh_occurrences(NEW.days, NEW.start_minute, NEW.duration_minutes, NEW.timezone, w.covers_from, w.covers_to) o;
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`DROP INDEX "meeting_occurrence_earth_idx"`);
    await queryRunner.query(
      `CREATE INDEX "meeting_occurrence_starts_idx" ON "meeting_occurrence" ("starts_at")`,
    );
    await queryRunner.query(`DROP INDEX "meeting_occurrence_starts_meeting_idx"`);
    await queryRunner.query(`
      ALTER TABLE "meeting_occurrence"
        DROP COLUMN "attendance_option",
        DROP COLUMN "fellowship_id",
        DROP COLUMN "days",
        DROP COLUMN "start_minute",
        DROP COLUMN "types",
        DROP COLUMN "search_text",
        DROP COLUMN "earth"`);
  }
}
