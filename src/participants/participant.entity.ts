import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An anonymous participant: nothing but a random identifier and the hash of a bearer token.
 * No name, email, phone, address or user agent is ever stored.
 */
@Entity('participant')
export class Participant {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'participant_pkey' })
  id!: string;

  /** SHA-256 of the token (hex): the token itself is never stored. */
  @Index('participant_token_hash_unique', { unique: true })
  @Column({ type: 'char', length: 64 })
  tokenHash!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Index('participant_expires_idx')
  @Column({ type: 'timestamptz' })
  expiresAt!: Date;
}
