import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  type Relation,
} from 'typeorm';
import { RoomMember } from './room-member.entity.js';
import { Room } from './room.entity.js';

/** A chat message. `seq` numbers a room's messages 1, 2, 3… without gaps. */
@Entity('message')
@Unique('message_room_seq_unique', ['roomId', 'seq'])
@Unique('message_client_id_unique', ['roomId', 'memberId', 'clientId'])
export class Message {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'message_pkey' })
  id!: string;

  @Column({ type: 'uuid' })
  roomId!: string;

  @ManyToOne(() => Room, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'room_id', foreignKeyConstraintName: 'message_room_fk' })
  room!: Relation<Room>;

  @Column({ type: 'bigint' })
  seq!: string;

  @Column({ type: 'uuid' })
  memberId!: string;

  @ManyToOne(() => RoomMember, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'message_member_fk' })
  member!: Relation<RoomMember>;

  @Column({ type: 'uuid' })
  clientId!: string;

  /** Already redacted: contact details never reach the database. */
  @Column({ type: 'text' })
  body!: string;

  /** As they were when the message was sent. */
  @Column({ type: 'varchar', length: 24 })
  authorHandle!: string;

  @Column({ type: 'varchar', length: 12 })
  authorRole!: 'participant' | 'facilitator';

  @Index('message_created_idx')
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
