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
import { Participant } from '../participants/participant.entity.js';

/**
 * A participant barred from a room or from every room of a group, until `expiresAt` (null:
 * lasting). Kept in the database, so it holds after a restart and on every instance.
 */
@Entity('ban')
@Check('ban_one_scope', `num_nonnulls("room_id", "group_id") = 1`)
@Index('ban_participant_idx', ['participantId'])
export class Ban {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'ban_pkey' })
  id!: string;

  @Column({ type: 'uuid' })
  participantId!: string;

  @ManyToOne(() => Participant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'participant_id', foreignKeyConstraintName: 'ban_participant_fk' })
  participant!: Relation<Participant>;

  @Column({ type: 'uuid', nullable: true })
  roomId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  groupId!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
