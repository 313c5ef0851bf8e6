import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { Fellowship } from './fellowship.entity.js';
import { MeetingGroup } from './meeting-group.entity.js';
import type { AttendanceOption } from './meeting-record.js';

/**
 * A weekly meeting. Times are local to `timezone`; the instants of its occurrences live in
 * `meeting_occurrence`, kept by database triggers (see the directory migration), and
 * `search_text`/`earth` are derived by a trigger too, so every write path agrees.
 */
@Entity('meeting')
@Unique('meeting_slug_unique', ['slug'])
@Unique('meeting_source_slug_unique', ['source', 'sourceSlug'])
@Check(
  'meeting_days_check',
  `cardinality("days") BETWEEN 1 AND 7 AND "days" <@ ARRAY[0,1,2,3,4,5,6]::smallint[]`,
)
@Check('meeting_start_minute_check', `"start_minute" BETWEEN 0 AND 1439`)
@Check('meeting_duration_check', `"duration_minutes" BETWEEN 1 AND 720`)
@Check(
  'meeting_attendance_check',
  `"attendance_option" IN ('in_person', 'online', 'hybrid', 'inactive')`,
)
@Check(
  'meeting_coordinates_check',
  `("latitude" IS NULL) = ("longitude" IS NULL) AND "latitude" BETWEEN -90 AND 90 AND "longitude" BETWEEN -180 AND 180`,
)
@Index('meeting_days_idx', { synchronize: false })
@Index('meeting_types_idx', { synchronize: false })
@Index('meeting_search_text_idx', { synchronize: false })
@Index('meeting_earth_idx', { synchronize: false })
export class Meeting {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'meeting_pkey' })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  slug!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Index('meeting_fellowship_idx')
  @Column({ type: 'uuid' })
  fellowshipId!: string;

  @ManyToOne(() => Fellowship, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'fellowship_id', foreignKeyConstraintName: 'meeting_fellowship_fk' })
  fellowship!: Relation<Fellowship>;

  @Index('meeting_group_idx')
  @Column({ type: 'uuid', nullable: true })
  groupId!: string | null;

  @ManyToOne(() => MeetingGroup, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'meeting_group_fk' })
  group!: Relation<MeetingGroup> | null;

  /** 0 = Sunday … 6 = Saturday. */
  @Column({ type: 'smallint', array: true })
  days!: number[];

  @Column({ type: 'smallint' })
  startMinute!: number;

  @Column({ type: 'smallint' })
  durationMinutes!: number;

  @Column({ type: 'varchar', length: 64 })
  timezone!: string;

  @Column({ type: 'varchar', length: 20, array: true, default: () => "'{}'" })
  types!: string[];

  @Column({ type: 'varchar', length: 12 })
  attendanceOption!: AttendanceOption;

  @Column({ type: 'varchar', length: 300, nullable: true })
  location!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  formattedAddress!: string | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  address!: string | null;

  @Column({ type: 'varchar', length: 120, nullable: true })
  city!: string | null;

  @Column({ type: 'varchar', length: 120, nullable: true })
  state!: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  postalCode!: string | null;

  @Column({ type: 'varchar', length: 80, nullable: true })
  country!: string | null;

  @Column({ type: 'double precision', nullable: true })
  latitude!: number | null;

  @Column({ type: 'double precision', nullable: true })
  longitude!: number | null;

  @Column({ type: 'boolean', default: false })
  approximate!: boolean;

  @Column({ type: 'varchar', length: 120, nullable: true })
  region!: string | null;

  @Column({ type: 'varchar', length: 120, nullable: true })
  subRegion!: string | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  conferenceUrl!: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  conferenceUrlNotes!: string | null;

  @Column({ type: 'varchar', length: 60, nullable: true })
  conferencePhone!: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  conferencePhoneNotes!: string | null;

  @Column({ type: 'text', nullable: true })
  notes!: string | null;

  @Column({ type: 'text', nullable: true })
  locationNotes!: string | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  url!: string | null;

  /** Where the record comes from: `manual` for API writes, an import's `source` otherwise. */
  @Column({ type: 'varchar', length: 100 })
  source!: string;

  /** The record's identity in its source (its slug there); imports are idempotent on it. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  sourceSlug!: string | null;

  /** Derived by trigger, for text search; never written by the app. */
  @Column({ type: 'text', default: '', select: false, insert: false, update: false })
  searchText!: string;

  /** Derived by trigger (earthdistance), for radius search; never written by the app. */
  @Column({ type: 'cube', nullable: true, select: false, insert: false, update: false })
  earth!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
