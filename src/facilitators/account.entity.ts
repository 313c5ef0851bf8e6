import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';

export const ROLES = ['admin', 'facilitator'] as const;
export type Role = (typeof ROLES)[number];

/** A facilitator or admin: the only people with accounts (participants stay anonymous). */
@Entity('account')
@Unique('account_email_unique', ['email'])
@Check('account_role_check', `"role" IN ('admin', 'facilitator')`)
export class Account {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'account_pkey' })
  id!: string;

  /** Stored lower-cased. */
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ type: 'varchar', length: 80 })
  displayName!: string;

  /** argon2id, PHC string format. */
  @Column({ type: 'varchar', length: 255 })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 12 })
  role!: Role;

  @Column({ type: 'boolean', default: false })
  disabled!: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
