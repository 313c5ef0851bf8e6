import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError } from '../common/errors/domain-error.js';
import type { Account, Role } from '../facilitators/account.entity.js';
import { AuthService } from './auth.service.js';

const ROLES_KEY = 'meetinghouse:roles';

/** Restricts a handler to these roles (any signed-in account when none are given). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES_KEY, roles);

interface AuthenticatedRequest extends Request {
  account?: Account;
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** Facilitators and admins: a valid access token of an enabled account, with the right role. */
@Injectable()
export class AccountGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(req.header('authorization'));
    if (token === undefined)
      throw new DomainError(
        'UNAUTHORIZED',
        'Sign in first: send Authorization: Bearer <access token>',
      );
    const account = await this.auth.authenticate(token);
    if (account === undefined)
      throw new DomainError(
        'UNAUTHORIZED',
        'The access token is invalid or expired, or the account is disabled',
      );
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (roles !== undefined && roles.length > 0 && !roles.includes(account.role)) {
      throw new DomainError('FORBIDDEN', `Only ${roles.join(' or ')} accounts may do this`);
    }
    req.account = account;
    return true;
  }
}

/** The signed-in account (only behind AccountGuard). */
export const CurrentAccount = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Account => {
    const account = context.switchToHttp().getRequest<AuthenticatedRequest>().account;
    if (account === undefined) throw new DomainError('UNAUTHORIZED', 'Sign in first');
    return account;
  },
);
