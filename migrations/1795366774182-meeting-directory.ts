import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The meeting directory: fellowships (seeded), groups, meetings, and the materialized
 * occurrences that make "what can I get to in the next hour?" an index range scan.
 *
 * Local times become instants in SQL (mh_local_to_utc) following RFC 5545 §3.3.5: a local time
 * skipped by a daylight-saving change is read with the offset before the gap, a repeated one
 * means its first occurrence. PostgreSQL's own `AT TIME ZONE` gets the gap right but picks the
 * second occurrence of a repeated time, hence the function.
 *
 * Derived columns and occurrences are kept by triggers, so the API, imports, the seed script and
 * the benchmark loader all agree without each having to remember.
 */
export class MeetingDirectory1795366774182 implements MigrationInterface {
  name = 'MeetingDirectory1795366774182';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "fellowship" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" character varying(40) NOT NULL, "name" character varying(120) NOT NULL, "program" character varying(20) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "fellowship_slug_unique" UNIQUE ("slug"), CONSTRAINT "fellowship_program_check" CHECK ("program" IN ('twelve-step', 'non-twelve-step')), CONSTRAINT "fellowship_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`
      INSERT INTO fellowship (slug, name, program) VALUES
        ('aa', 'Alcoholics Anonymous', 'twelve-step'),
        ('na', 'Narcotics Anonymous', 'twelve-step'),
        ('ca', 'Cocaine Anonymous', 'twelve-step'),
        ('cma', 'Crystal Meth Anonymous', 'twelve-step'),
        ('ha', 'Heroin Anonymous', 'twelve-step'),
        ('ma', 'Marijuana Anonymous', 'twelve-step'),
        ('celebrate-recovery', 'Celebrate Recovery', 'twelve-step'),
        ('smart-recovery', 'SMART Recovery', 'non-twelve-step'),
        ('recovery-dharma', 'Recovery Dharma', 'non-twelve-step'),
        ('lifering', 'LifeRing Secular Recovery', 'non-twelve-step'),
        ('women-for-sobriety', 'Women for Sobriety', 'non-twelve-step'),
        ('refuge-recovery', 'Refuge Recovery', 'non-twelve-step')`);

    await queryRunner.query(
      `CREATE TABLE "meeting_group" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "fellowship_id" uuid NOT NULL, "name" character varying(200) NOT NULL, "notes" text, "source" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "meeting_group_source_name_unique" UNIQUE ("source", "fellowship_id", "name"), CONSTRAINT "meeting_group_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "meeting_group_fellowship_idx" ON "meeting_group" ("fellowship_id")`,
    );
    await queryRunner.query(
      `ALTER TABLE "meeting_group" ADD CONSTRAINT "meeting_group_fellowship_fk" FOREIGN KEY ("fellowship_id") REFERENCES "fellowship"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );

    await queryRunner.query(
      `CREATE TABLE "meeting" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" character varying(100) NOT NULL, "name" character varying(200) NOT NULL, "fellowship_id" uuid NOT NULL, "group_id" uuid, "days" smallint array NOT NULL, "start_minute" smallint NOT NULL, "duration_minutes" smallint NOT NULL, "timezone" character varying(64) NOT NULL, "types" character varying(20) array NOT NULL DEFAULT '{}', "attendance_option" character varying(12) NOT NULL, "location" character varying(300), "formatted_address" character varying(500), "address" character varying(300), "city" character varying(120), "state" character varying(120), "postal_code" character varying(20), "country" character varying(80), "latitude" double precision, "longitude" double precision, "approximate" boolean NOT NULL DEFAULT false, "region" character varying(120), "sub_region" character varying(120), "conference_url" character varying(2000), "conference_url_notes" character varying(1000), "conference_phone" character varying(60), "conference_phone_notes" character varying(1000), "notes" text, "location_notes" text, "url" character varying(2000), "source" character varying(100) NOT NULL, "source_slug" character varying(200), "search_text" text NOT NULL DEFAULT '', "earth" cube, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "meeting_source_slug_unique" UNIQUE ("source", "source_slug"), CONSTRAINT "meeting_slug_unique" UNIQUE ("slug"), CONSTRAINT "meeting_coordinates_check" CHECK (("latitude" IS NULL) = ("longitude" IS NULL) AND "latitude" BETWEEN -90 AND 90 AND "longitude" BETWEEN -180 AND 180), CONSTRAINT "meeting_attendance_check" CHECK ("attendance_option" IN ('in_person', 'online', 'hybrid', 'inactive')), CONSTRAINT "meeting_duration_check" CHECK ("duration_minutes" BETWEEN 1 AND 720), CONSTRAINT "meeting_start_minute_check" CHECK ("start_minute" BETWEEN 0 AND 1439), CONSTRAINT "meeting_days_check" CHECK (cardinality("days") BETWEEN 1 AND 7 AND "days" <@ ARRAY[0,1,2,3,4,5,6]::smallint[]), CONSTRAINT "meeting_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "meeting_fellowship_idx" ON "meeting" ("fellowship_id")`);
    await queryRunner.query(`CREATE INDEX "meeting_group_idx" ON "meeting" ("group_id")`);
    await queryRunner.query(
      `ALTER TABLE "meeting" ADD CONSTRAINT "meeting_fellowship_fk" FOREIGN KEY ("fellowship_id") REFERENCES "fellowship"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "meeting" ADD CONSTRAINT "meeting_group_fk" FOREIGN KEY ("group_id") REFERENCES "meeting_group"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    // Search indexes TypeORM cannot describe (declared with synchronize: false on the entity).
    await queryRunner.query(`CREATE INDEX "meeting_days_idx" ON "meeting" USING gin ("days")`);
    await queryRunner.query(`CREATE INDEX "meeting_types_idx" ON "meeting" USING gin ("types")`);
    await queryRunner.query(
      `CREATE INDEX "meeting_search_text_idx" ON "meeting" USING gin ("search_text" gin_trgm_ops)`,
    );
    await queryRunner.query(`CREATE INDEX "meeting_earth_idx" ON "meeting" USING gist ("earth")`);

    // What the search reads: the derived columns, kept by a trigger on every write.
    await queryRunner.query(`
      CREATE FUNCTION mh_meeting_derive() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.search_text := lower(concat_ws(' ', NEW.name, NEW.location, NEW.formatted_address, NEW.address,
          NEW.city, NEW.state, NEW.region, NEW.sub_region, NEW.notes, NEW.location_notes,
          (SELECT g.name FROM meeting_group g WHERE g.id = NEW.group_id)));
        NEW.earth := CASE WHEN NEW.latitude IS NULL OR NEW.longitude IS NULL THEN NULL
                          ELSE ll_to_earth(NEW.latitude, NEW.longitude) END;
        RETURN NEW;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER mh_meeting_derive BEFORE INSERT OR UPDATE ON meeting FOR EACH ROW EXECUTE FUNCTION mh_meeting_derive()`,
    );

    // Local wall-clock time → instant, per RFC 5545 §3.3.5 (see the class comment).
    await queryRunner.query(`
      CREATE FUNCTION mh_utc_offset(p_at timestamptz, p_zone text) RETURNS interval
      LANGUAGE sql STABLE PARALLEL SAFE AS
      $$ SELECT (p_at AT TIME ZONE p_zone) - (p_at AT TIME ZONE 'UTC') $$`);
    await queryRunner.query(`
      CREATE FUNCTION mh_local_to_utc(p_local timestamp, p_zone text) RETURNS timestamptz
      LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
      DECLARE
        guess timestamptz := p_local AT TIME ZONE p_zone;
        off_before interval := mh_utc_offset(guess - interval '1 day', p_zone);
        off_after interval := mh_utc_offset(guess + interval '1 day', p_zone);
        candidate timestamptz;
      BEGIN
        candidate := (p_local - off_before) AT TIME ZONE 'UTC';
        -- Before a change, or the first of a repeated time.
        IF off_before = off_after OR mh_utc_offset(candidate, p_zone) = off_before THEN
          RETURN candidate;
        END IF;
        IF mh_utc_offset((p_local - off_after) AT TIME ZONE 'UTC', p_zone) = off_after THEN
          RETURN (p_local - off_after) AT TIME ZONE 'UTC';
        END IF;
        -- Skipped by a spring-forward gap: the offset before the gap.
        RETURN candidate;
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION mh_occurrences(p_days smallint[], p_start_minute integer, p_duration_minutes integer,
                                     p_zone text, p_from timestamptz, p_to timestamptz)
      RETURNS TABLE (starts_at timestamptz, ends_at timestamptz)
      LANGUAGE sql STABLE PARALLEL SAFE AS $$
        SELECT s.starts_at,
               -- The end is the local end time too (exact across a change), never before the start.
               CASE WHEN e.ends_at > s.starts_at THEN e.ends_at
                    ELSE s.starts_at + make_interval(mins => p_duration_minutes) END
        FROM generate_series(((p_from AT TIME ZONE p_zone)::date - 1)::timestamp, ((p_to AT TIME ZONE p_zone)::date + 1)::timestamp,
                             interval '1 day') AS d(local_day)
        CROSS JOIN LATERAL (SELECT mh_local_to_utc(d.local_day + make_interval(mins => p_start_minute), p_zone) AS starts_at) s
        CROSS JOIN LATERAL (SELECT mh_local_to_utc(d.local_day + make_interval(mins => p_start_minute + p_duration_minutes), p_zone) AS ends_at) e
        WHERE extract(dow FROM d.local_day)::smallint = ANY (p_days)
          AND s.starts_at < p_to AND greatest(e.ends_at, s.starts_at + interval '1 minute') > p_from
      $$`);

    // Occurrences within a rolling window (advanced by the app's OccurrenceWindowJob).
    await queryRunner.query(
      `CREATE TABLE "occurrence_window" ("id" smallint NOT NULL, "covers_from" TIMESTAMP WITH TIME ZONE NOT NULL, "covers_to" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "occurrence_window_single_row" CHECK ("id" = 1), CONSTRAINT "occurrence_window_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `INSERT INTO occurrence_window (id, covers_from, covers_to) VALUES (1, 'epoch', 'epoch')`,
    );
    await queryRunner.query(
      `CREATE TABLE "meeting_occurrence" ("meeting_id" uuid NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "meeting_occurrence_pkey" PRIMARY KEY ("meeting_id", "starts_at"), CONSTRAINT "meeting_occurrence_meeting_fk" FOREIGN KEY ("meeting_id") REFERENCES "meeting"("id") ON DELETE CASCADE)`,
    );
    await queryRunner.query(
      `CREATE INDEX "meeting_occurrence_starts_idx" ON "meeting_occurrence" ("starts_at")`,
    );
    // "In progress at t" is containment: a GiST index answers it without scanning the last 12 hours.
    await queryRunner.query(
      `CREATE INDEX "meeting_occurrence_span_idx" ON "meeting_occurrence" USING gist (tstzrange("starts_at", "ends_at"))`,
    );
    await queryRunner.query(`
      CREATE FUNCTION mh_meeting_occurrences_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
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
    await queryRunner.query(`
      CREATE TRIGGER mh_meeting_occurrences_insert AFTER INSERT ON meeting
      FOR EACH ROW EXECUTE FUNCTION mh_meeting_occurrences_refresh()`);
    await queryRunner.query(`
      CREATE TRIGGER mh_meeting_occurrences_update AFTER UPDATE ON meeting FOR EACH ROW
      WHEN (OLD.days IS DISTINCT FROM NEW.days OR OLD.start_minute IS DISTINCT FROM NEW.start_minute
         OR OLD.duration_minutes IS DISTINCT FROM NEW.duration_minutes OR OLD.timezone IS DISTINCT FROM NEW.timezone
         OR OLD.attendance_option IS DISTINCT FROM NEW.attendance_option)
      EXECUTE FUNCTION mh_meeting_occurrences_refresh()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "meeting_occurrence"`);
    await queryRunner.query(`DROP TABLE "occurrence_window"`);
    await queryRunner.query(`DROP TABLE "meeting"`);
    await queryRunner.query(`DROP TABLE "meeting_group"`);
    await queryRunner.query(`DROP TABLE "fellowship"`);
    await queryRunner.query(`DROP FUNCTION mh_meeting_occurrences_refresh()`);
    await queryRunner.query(`DROP FUNCTION mh_meeting_derive()`);
    await queryRunner.query(
      `DROP FUNCTION mh_occurrences(smallint[], integer, integer, text, timestamptz, timestamptz)`,
    );
    await queryRunner.query(`DROP FUNCTION mh_local_to_utc(timestamp, text)`);
    await queryRunner.query(`DROP FUNCTION mh_utc_offset(timestamptz, text)`);
  }
}
