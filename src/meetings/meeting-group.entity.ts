import {
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

/**
 * A group as the fellowships mean it: it holds one or more meetings. Identified within its
 * source of record by name, because that is all the Meeting Guide formats carry.
 */
@Entity('meeting_group')
@Unique('meeting_group_source_name_unique', ['source', 'fellowshipId', 'name'])
export class MeetingGroup {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'meeting_group_pkey' })
  id!: string;

  @Index('meeting_group_fellowship_idx')
  @Column({ type: 'uuid' })
  fellowshipId!: string;

  @ManyToOne(() => Fellowship, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'fellowship_id', foreignKeyConstraintName: 'meeting_group_fellowship_fk' })
  fellowship!: Relation<Fellowship>;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'text', nullable: true })
  notes!: string | null;

  @Column({ type: 'varchar', length: 100 })
  source!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
