import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  OneToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { Meeting } from '../meetings/meeting.entity.js';

export const ROOM_STATUSES = ['scheduled', 'open', 'closed'] as const;
export type RoomStatus = (typeof ROOM_STATUSES)[number];

/**
 * An online room. A room linked to a meeting opens and closes around each occurrence; one
 * without a meeting follows its own opens_at/closes_at; a facilitator may open or close either
 * by hand until its next scheduled change (`override_*`).
 */
@Entity('room')
@Check('room_status_check', `"status" IN ('scheduled', 'open', 'closed')`)
@Check(
  'room_override_check',
  `"override_status" IS NULL OR "override_status" IN ('open', 'closed')`,
)
@Check(
  'room_limits_check',
  `"slow_mode_seconds" BETWEEN 0 AND 3600 AND "share_seconds" BETWEEN 10 AND 3600 AND "retention_days" BETWEEN 0 AND 3650`,
)
export class Room {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'room_pkey' })
  id!: string;

  @Column({ type: 'varchar', length: 120 })
  name!: string;

  @Index('room_meeting_unique', { unique: true, where: '"meeting_id" IS NOT NULL' })
  @Column({ type: 'uuid', nullable: true })
  meetingId!: string | null;

  @OneToOne(() => Meeting, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'meeting_id', foreignKeyConstraintName: 'room_meeting_fk' })
  meeting!: Relation<Meeting> | null;

  @Column({ type: 'varchar', length: 10, default: 'scheduled' })
  status!: RoomStatus;

  @Column({ type: 'timestamptz', nullable: true })
  opensAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  closesAt!: Date | null;

  @Column({ type: 'varchar', length: 10, nullable: true })
  overrideStatus!: 'open' | 'closed' | null;

  @Column({ type: 'timestamptz', nullable: true })
  overrideUntil!: Date | null;

  @Column({ type: 'boolean', default: false })
  locked!: boolean;

  @Column({ type: 'boolean', default: false })
  waitingRoom!: boolean;

  @Column({ type: 'integer', default: 0 })
  slowModeSeconds!: number;

  @Column({ type: 'integer', default: 180 })
  shareSeconds!: number;

  @Column({ type: 'integer', default: 30 })
  retentionDays!: number;

  /** The room's own guidelines, shown before joining; null means the general ones. */
  @Column({ type: 'varchar', length: 4000, nullable: true })
  guidelines!: string | null;

  /** The last message number handed out: seq is per room, without gaps. */
  @Column({ type: 'bigint', default: 0 })
  lastSeq!: string;

  @Column({ type: 'uuid', nullable: true })
  pinnedMessageId!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  /** Who has the floor in the share queue, and until when. */
  @Column({ type: 'uuid', nullable: true })
  floorMemberId!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  floorEndsAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
