import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { hash, verify } from '@node-rs/argon2';
import type { Repository } from 'typeorm';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { Account, type Role } from './account.entity.js';

const logger = new Logger('Accounts');

/**
 * Verifying against this when the email is unknown keeps the response time the same, so login
 * timing does not reveal which addresses have accounts.
 */
const UNKNOWN_ACCOUNT_HASH = hash('meetinghouse: no such account');

@Injectable()
export class AccountsService implements OnApplicationBootstrap {
  /**
   * Password checks, one at a time. Each keeps a core busy for about 10 ms on the libuv
   * thread pool; a burst of sign-in guesses checked in parallel would take every core from the
   * rooms for as long as it lasts, and queued instead it takes one.
   */
  private passwordChecks: Promise<unknown> = Promise.resolve();

  constructor(
    @InjectRepository(Account) private readonly accounts: Repository<Account>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** ADMIN_EMAIL/ADMIN_PASSWORD create the first admin, once: never again after one exists. */
  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.admin;
    if (admin === undefined) return;
    const anyAdmin = await this.accounts.exists({ where: { role: 'admin' } });
    if (anyAdmin) return;
    await this.accounts
      .createQueryBuilder()
      .insert()
      .values({
        email: admin.email,
        displayName: 'Administrator',
        passwordHash: await hash(admin.password),
        role: 'admin',
      })
      // Another instance starting at the same moment may have created it first.
      .orIgnore()
      .execute();
    logger.log('first admin account ensured from ADMIN_EMAIL');
  }

  async create(input: {
    email: string;
    displayName: string;
    password: string;
    role: Role;
  }): Promise<Account> {
    return this.accounts.save(
      this.accounts.create({
        email: input.email.toLowerCase(),
        displayName: input.displayName,
        passwordHash: await hash(input.password),
        role: input.role,
      }),
    );
  }

  /** The account behind these credentials, if they are right and it is enabled. */
  async verifyCredentials(email: string, password: string): Promise<Account | undefined> {
    const account = await this.accounts.findOne({ where: { email: email.trim().toLowerCase() } });
    const passwordHash = account?.passwordHash ?? (await UNKNOWN_ACCOUNT_HASH);
    const check = this.passwordChecks.then(() => verify(passwordHash, password).catch(() => false));
    this.passwordChecks = check;
    const ok = await check;
    if (account === null || !ok || account.disabled) return undefined;
    return account;
  }

  /** Read on every authenticated request, so disabling or re-roling takes effect at once. */
  async findEnabled(id: string): Promise<Account | undefined> {
    const account = await this.accounts.findOne({ where: { id } });
    return account === null || account.disabled ? undefined : account;
  }
}
