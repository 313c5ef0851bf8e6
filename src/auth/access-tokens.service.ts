import { Inject, Injectable } from '@nestjs/common';
import { jwtVerify, SignJWT } from 'jose';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';

/** Facilitator access tokens are short-lived: a stolen one is useful for minutes, not days. */
export const ACCESS_TOKEN_TTL_SECONDS = 30 * 60;
const ISSUER = 'meetinghouse';
const AUDIENCE = 'meetinghouse:facilitator';

export interface AccessTokenClaims {
  accountId: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

@Injectable()
export class AccessTokensService {
  private readonly key: Uint8Array;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = new TextEncoder().encode(config.jwtSecret);
  }

  async issue(accountId: string, now: Date = new Date()): Promise<string> {
    const iat = Math.floor(now.getTime() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(accountId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ACCESS_TOKEN_TTL_SECONDS)
      .sign(this.key);
  }

  /** The claims of a valid, unexpired token of ours; undefined for anything else. */
  async verify(token: string): Promise<AccessTokenClaims | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      return typeof payload.sub === 'string' && typeof payload.exp === 'number'
        ? { accountId: payload.sub, expiresAt: payload.exp * 1000 }
        : undefined;
    } catch {
      return undefined;
    }
  }

  /** Tokens of ours are JWTs; participant tokens are opaque. A cheap shape test tells them apart. */
  static looksLikeJwt(token: string): boolean {
    return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
  }
}
