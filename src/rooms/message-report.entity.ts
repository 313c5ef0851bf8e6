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
import { Message } from './message.entity.js';
import { Room } from './room.entity.js';

/** A participant's report of a message, for the room's facilitators. */
@Entity('message_report')
@Check('message_report_status_check', `"status" IN ('open', 'resolved')`)
@Index('message_report_room_status_idx', ['roomId', 'status'])
export class MessageReport {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'message_report_pkey' })
  id!: string;

  @Column({ type: 'uuid' })
  roomId!: string;

  @ManyToOne(() => Room, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'room_id', foreignKeyConstraintName: 'message_report_room_fk' })
  room!: Relation<Room>;

  @Column({ type: 'uuid' })
  messageId!: string;

  @ManyToOne(() => Message, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id', foreignKeyConstraintName: 'message_report_message_fk' })
  message!: Relation<Message>;

  /** The reporting member (room-scoped), never the participant. */
  @Column({ type: 'uuid' })
  reporterMemberId!: string;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  @Column({ type: 'varchar', length: 10, default: 'open' })
  status!: 'open' | 'resolved';

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  resolvedBy!: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  resolutionNote!: string | null;
}
