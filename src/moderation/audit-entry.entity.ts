import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One moderation action or report resolution. Append-only: the API has no way to change or
 * remove an entry, and a trigger refuses UPDATE and DELETE in the database itself.
 */
@Entity('moderation_audit')
@Index('moderation_audit_room_idx', ['roomId', 'at'])
export class AuditEntry {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'moderation_audit_pkey' })
  id!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'uuid' })
  actorId!: string;

  /** As it was at the time of the action. */
  @Column({ type: 'varchar', length: 80 })
  actorDisplayName!: string;

  @Column({ type: 'varchar', length: 40 })
  action!: string;

  @Column({ type: 'uuid', nullable: true })
  roomId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  memberId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  messageId!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason!: string | null;
}
