import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

export const PROGRAMS = ['twelve-step', 'non-twelve-step'] as const;
export type Program = (typeof PROGRAMS)[number];

@Entity('fellowship')
@Unique('fellowship_slug_unique', ['slug'])
@Check('fellowship_program_check', `"program" IN ('twelve-step', 'non-twelve-step')`)
export class Fellowship {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'fellowship_pkey' })
  id!: string;

  @Column({ type: 'varchar', length: 40 })
  slug!: string;

  @Column({ type: 'varchar', length: 120 })
  name!: string;

  @Column({ type: 'varchar', length: 20 })
  program!: Program;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
