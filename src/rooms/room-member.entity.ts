import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { Account } from '../facilitators/account.entity.js';
import { Participant } from '../participants/participant.entity.js';
import { Room } from './room.entity.js';

export const MEMBER_STATES = ['active', 'waiting', 'left', 'kicked'] as const;
export type MemberState = (typeof MEMBER_STATES)[number];

/**
 * Someone's presence in one room. Its id is the room-scoped `memberId` others see: random, and
 * unrelated to the participant (the same person in two rooms has two unrelated ids).
 */
@Entity('room_member')
@Index('room_member_participant_unique', ['roomId', 'participantId'], {
  unique: true,
  where: '"participant_id" IS NOT NULL',
})
@Index('room_member_account_unique', ['roomId', 'accountId'], {
  unique: true,
  where: '"account_id" IS NOT NULL',
})
@Check('room_member_one_identity', `num_nonnulls("participant_id", "account_id") = 1`)
@Check('room_member_role_check', `"role" IN ('participant', 'facilitator')`)
@Check('room_member_state_check', `"state" IN ('active', 'waiting', 'left', 'kicked')`)
export class RoomMember {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'room_member_pkey' })
  id!: string;

  @Column({ type: 'uuid' })
  roomId!: string;

  @ManyToOne(() => Room, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'room_id', foreignKeyConstraintName: 'room_member_room_fk' })
  room!: Relation<Room>;

  @Column({ type: 'uuid', nullable: true })
  participantId!: string | null;

  @ManyToOne(() => Participant, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'participant_id', foreignKeyConstraintName: 'room_member_participant_fk' })
  participant!: Relation<Participant> | null;

  @Column({ type: 'uuid', nullable: true })
  accountId!: string | null;

  @ManyToOne(() => Account, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'room_member_account_fk' })
  account!: Relation<Account> | null;

  @Column({ type: 'varchar', length: 24 })
  handle!: string;

  @Column({ type: 'varchar', length: 12 })
  role!: 'participant' | 'facilitator';

  @Column({ type: 'varchar', length: 10 })
  state!: MemberState;

  @Column({ type: 'timestamptz', nullable: true })
  handRaisedAt!: Date | null;

  /** Muted until then; 'infinity' for a lasting mute. */
  @Column({ type: 'timestamptz', nullable: true })
  mutedUntil!: Date | null;

  @Column({ type: 'timestamptz' })
  joinedAt!: Date;

  /** Seconds present in earlier connections (attendance counts presence, not membership). */
  @Column({ type: 'integer', default: 0 })
  presentSeconds!: number;

  @Column({ type: 'timestamptz', nullable: true })
  lastSentAt!: Date | null;

  /** When the member's last connection dropped: a raised hand keeps its place for a while. */
  @Column({ type: 'timestamptz', nullable: true })
  awaySince!: Date | null;
}
