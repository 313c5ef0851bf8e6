import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';

const PURPOSE = 'attendance';

/**
 * Signs and checks attendance certificates with Ed25519. The key comes from
 * ATTENDANCE_SIGNING_KEY, or is made once and kept in the database so every instance (and every
 * restart) signs with the same one.
 */
@Injectable()
export class AttendanceSigner {
  private keys: Promise<{ privateKey: KeyObject; publicKey: KeyObject }> | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private load(): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
    this.keys ??= (async () => {
      let pem = this.config.attendanceSigningKey;
      if (pem === undefined) {
        const generated = generateKeyPairSync('ed25519')
          .privateKey.export({ format: 'pem', type: 'pkcs8' })
          .toString();
        // Two instances starting together: the first insert wins, both read the same key.
        await this.dataSource.query(
          `INSERT INTO signing_key (purpose, private_key) VALUES ($1, $2) ON CONFLICT (purpose) DO NOTHING`,
          [PURPOSE, generated],
        );
        const rows = await this.dataSource.query<{ private_key: string }[]>(
          `SELECT private_key FROM signing_key WHERE purpose = $1`,
          [PURPOSE],
        );
        pem = rows[0]?.private_key;
        if (pem === undefined) throw new Error('attendance signing key could not be stored');
      }
      const privateKey = createPrivateKey(pem);
      if (privateKey.asymmetricKeyType !== 'ed25519')
        throw new Error('ATTENDANCE_SIGNING_KEY is not an Ed25519 key');
      return { privateKey, publicKey: createPublicKey(privateKey) };
    })().catch((err: unknown) => {
      this.keys = undefined;
      throw err;
    });
    return this.keys;
  }

  /** `<payload>.<signature>`, both base64url: short enough for a link or a QR code. */
  async sign(payload: object): Promise<string> {
    const { privateKey } = await this.load();
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${sign(null, Buffer.from(body), privateKey).toString('base64url')}`;
  }

  /** The payload of a genuine code; undefined for anything tampered with or malformed. */
  async open(code: string): Promise<unknown> {
    const match = /^([A-Za-z0-9_-]{1,4000})\.([A-Za-z0-9_-]{80,100})$/.exec(code);
    if (match === null) return undefined;
    const [, body, signature] = match as unknown as [string, string, string];
    // One spelling per certificate: base64url's spare bits could otherwise give the same
    // signature several spellings.
    const signatureBytes = Buffer.from(signature, 'base64url');
    if (signatureBytes.toString('base64url') !== signature) return undefined;
    if (Buffer.from(body, 'base64url').toString('base64url') !== body) return undefined;
    const { publicKey } = await this.load();
    if (!verify(null, Buffer.from(body), publicKey, signatureBytes)) return undefined;
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  }
}
