import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { LOOKBACK_HOURS, windowCoversSql } from '../search/meeting-search.sql.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The table holds occurrences overlapping [now − 1 day, now + 10 days). */
const KEEP_BEHIND = DAY;
const KEEP_AHEAD = 10 * DAY;
/** Move the window once less than this much lies ahead. */
const ADVANCE_WHEN_AHEAD_BELOW = 9 * DAY;
const CHECK_EVERY_MS = 10 * 60_000;

const logger = new Logger('OccurrenceWindow');

/**
 * Keeps `meeting_occurrence` covering a rolling window around the present. Meeting writes keep
 * their own rows current (a trigger); this moves the window forward. Several instances may run
 * it: the window row is locked while it moves, and whoever comes second finds nothing to do.
 */
@Injectable()
export class OccurrenceWindowService implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.advance(new Date());
    this.timer = setInterval(() => {
      this.advance(new Date()).catch((err: unknown) => {
        logger.warn('could not move the occurrence window', { error: (err as Error).message });
      });
    }, CHECK_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /**
   * Whether searches at `now` can read occurrences from the table. Read in the caller's
   * snapshot (a search runs in one REPEATABLE READ transaction): another instance moving the
   * window meanwhile cannot make the answer and the rows disagree.
   */
  async covers(now: Date, q: Pick<EntityManager, 'query'> = this.dataSource): Promise<boolean> {
    const rows = await q.query<{ covered: boolean }[]>(
      `SELECT ${windowCoversSql('$1::timestamptz')} AS covered`,
      [now],
    );
    return rows[0]?.covered ?? false;
  }

  /** Moves the window so that it covers `now` with room to spare; a no-op when it already does. */
  async advance(now: Date): Promise<void> {
    const target = {
      from: new Date(now.getTime() - KEEP_BEHIND),
      to: new Date(now.getTime() + KEEP_AHEAD),
    };
    const moved = await this.dataSource.transaction(async (tx) => {
      const rows = await tx.query<{ covers_from: Date; covers_to: Date }[]>(
        'SELECT covers_from, covers_to FROM occurrence_window WHERE id = 1 FOR UPDATE',
      );
      const current = rows[0];
      if (current === undefined) throw new Error('occurrence_window row is missing');
      const coveredEnough =
        current.covers_from.getTime() <= now.getTime() - LOOKBACK_HOURS * HOUR &&
        current.covers_to.getTime() - now.getTime() >= ADVANCE_WHEN_AHEAD_BELOW;
      if (coveredEnough) return false;

      const overlaps =
        current.covers_to.getTime() > target.from.getTime() &&
        current.covers_from.getTime() <= target.from.getTime();
      if (overlaps) {
        // The usual case: drop what has passed, add the days that came into view.
        await tx.query('DELETE FROM meeting_occurrence WHERE ends_at <= $1', [target.from]);
        await insertOccurrences(tx, current.covers_to, target.to);
      } else {
        // Far from the old window (first start, a long outage, or a `now` in the past): rebuild.
        await tx.query('DELETE FROM meeting_occurrence');
        await insertOccurrences(tx, target.from, target.to);
      }
      await tx.query('UPDATE occurrence_window SET covers_from = $1, covers_to = $2 WHERE id = 1', [
        target.from,
        target.to,
      ]);
      return true;
    });
    if (moved) {
      logger.log('occurrence window moved', {
        from: target.from.toISOString(),
        to: target.to.toISOString(),
      });
    }
  }
}

async function insertOccurrences(tx: EntityManager, from: Date, to: Date): Promise<void> {
  await tx.query(
    `INSERT INTO meeting_occurrence (meeting_id, starts_at, ends_at, attendance_option, fellowship_id,
                                     days, start_minute, types, search_text, earth)
     SELECT m.id, o.starts_at, o.ends_at, m.attendance_option, m.fellowship_id,
            m.days, m.start_minute, m.types, m.search_text, m.earth
     FROM meeting m
     CROSS JOIN LATERAL mh_occurrences(m.days, m.start_minute, m.duration_minutes, m.timezone, $1, $2) o
     WHERE m.attendance_option <> 'inactive'
     ON CONFLICT (meeting_id, starts_at) DO NOTHING`,
    [from, to],
  );
}
