import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * The Ed25519 key that signs attendance certificates: made on first start and shared by every
 * instance, unless ATTENDANCE_SIGNING_KEY provides one.
 */
@Entity('signing_key')
export class SigningKey {
  @PrimaryColumn({ type: 'varchar', length: 40, primaryKeyConstraintName: 'signing_key_pkey' })
  purpose!: string;

  /** PKCS#8 PEM. */
  @Column({ type: 'text' })
  privateKey!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
