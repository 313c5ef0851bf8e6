import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { MeetingGroup } from '../meetings/meeting-group.entity.js';
import { Meeting } from '../meetings/meeting.entity.js';
import { Room } from '../rooms/room.entity.js';
import { Account } from './account.entity.js';

/**
 * What a facilitator may look after: a whole group (all its meetings and their rooms), one
 * meeting (and its room), or one room. Admins need none: they may look after everything.
 */
@Entity('facilitator_assignment')
@Check('facilitator_assignment_one_target', `num_nonnulls("group_id", "meeting_id", "room_id") = 1`)
export class FacilitatorAssignment {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'facilitator_assignment_pkey' })
  id!: string;

  @Index('facilitator_assignment_account_idx')
  @Column({ type: 'uuid' })
  accountId!: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'facilitator_assignment_account_fk' })
  account!: Relation<Account>;

  @Column({ type: 'uuid', nullable: true })
  groupId!: string | null;

  @ManyToOne(() => MeetingGroup, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'facilitator_assignment_group_fk' })
  group!: Relation<MeetingGroup> | null;

  @Column({ type: 'uuid', nullable: true })
  meetingId!: string | null;

  @ManyToOne(() => Meeting, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'meeting_id', foreignKeyConstraintName: 'facilitator_assignment_meeting_fk' })
  meeting!: Relation<Meeting> | null;

  @Column({ type: 'uuid', nullable: true })
  roomId!: string | null;

  @ManyToOne(() => Room, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'room_id', foreignKeyConstraintName: 'facilitator_assignment_room_fk' })
  room!: Relation<Room> | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
