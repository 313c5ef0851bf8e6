import { Injectable } from '@nestjs/common';
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
export class AuthService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly tokens: AccessTokensService,
  ) {}

  async login(dto: LoginDto): Promise<LoginResponseDto> {
    const account = await this.accounts.verifyCredentials(dto.email, dto.password);
    // One message for every failure: it must not reveal whether the address has an account.
    if (account === undefined)
      throw new DomainError(
        'UNAUTHORIZED',
        'Email or password is wrong, or the account is disabled',
      );
    return {
      accessToken: await this.tokens.issue(account.id),
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
      account: toAccountSummary(account),
    };
  }

  /** The enabled account behind a bearer token, or undefined. */
  async authenticate(token: string): Promise<Account | undefined> {
    const claims = await this.tokens.verify(token);
    return claims === undefined ? undefined : this.accounts.findEnabled(claims.accountId);
  }
}
