import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { TokenBuckets } from '../common/rate-limit/token-buckets.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { Account } from '../facilitators/account.entity.js';
import { AccountsService } from '../facilitators/accounts.service.js';
import { ACCESS_TOKEN_TTL_SECONDS, AccessTokensService } from './access-tokens.service.js';
import type { AccountSummaryDto, LoginDto, LoginResponseDto } from './dto/login.dto.js';

export function toAccountSummary(account: Account): AccountSummaryDto {
  return {
    id: account.id,
    email: account.email,
    displayName: account.displayName,
    role: account.role,
  };
}

@Injectable()
export class AuthService implements OnModuleDestroy {
  /** Per account: 5 tries, then one a minute. Per client address: 20, then 10 a minute. */
  private readonly perAccount = new TokenBuckets(5, 1 / 60);
  private readonly perAddress = new TokenBuckets(20, 10 / 60);

  constructor(
    private readonly accounts: AccountsService,
    private readonly tokens: AccessTokensService,
  ) {}

  onModuleDestroy(): void {
    this.perAccount.close();
    this.perAddress.close();
  }

  /**
   * Guessing is throttled per account and per client address (held in memory only). Only
   * failures count, and a success clears the account's count: a typo or two costs nothing.
   * Each attempt takes its tokens before the password is checked and a success gives them
   * back: counted only afterwards, a burst of concurrent guesses would all pass the check.
   */
  async login(dto: LoginDto, clientAddress: string): Promise<LoginResponseDto> {
    const accountKey = dto.email.trim().toLowerCase();
    const wait = Math.max(
      this.perAddress.waitMs(clientAddress),
      this.perAccount.waitMs(accountKey),
    );
    if (wait > 0) {
      throw new DomainError(
        'RATE_LIMITED',
        `Too many sign-in attempts; try again in ${Math.ceil(wait / 1000)} s`,
      );
    }
    this.perAddress.take(clientAddress);
    this.perAccount.take(accountKey);
    let account;
    try {
      account = await this.accounts.verifyCredentials(dto.email, dto.password);
    } catch (err) {
      // Not a guess that failed but a check that could not be made (the database is down).
      this.perAddress.putBack(clientAddress);
      this.perAccount.putBack(accountKey);
      throw err;
    }
    if (account === undefined) {
      // One message for every failure: it must not reveal whether the address has an account.
      throw new DomainError(
        'UNAUTHORIZED',
        'Email or password is wrong, or the account is disabled',
      );
    }
    this.perAddress.putBack(clientAddress);
    this.perAccount.forget(accountKey);
    return {
      accessToken: await this.tokens.issue(account.id),
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
      account: toAccountSummary(account),
    };
  }

  /** The enabled account behind a bearer token, or undefined. */
  async authenticate(token: string): Promise<Account | undefined> {
    return (await this.authenticateWithExpiry(token))?.account;
  }

  /** The account and when its token expires (a socket keeps its powers only until then). */
  async authenticateWithExpiry(
    token: string,
  ): Promise<{ account: Account; expiresAt: number } | undefined> {
    const claims = await this.tokens.verify(token);
    const account =
      claims === undefined ? undefined : await this.accounts.findEnabled(claims.accountId);
    return account === undefined || claims === undefined
      ? undefined
      : { account, expiresAt: claims.expiresAt };
  }
}
