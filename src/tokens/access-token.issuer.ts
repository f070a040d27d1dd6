import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import type { Role } from '../security/roles';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE } from './access-token';
import { SigningKeys } from './signing-keys';

export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
}

/** Signs access tokens through JwtService with the active key: header {alg, kid, typ}, claims per docs/api.md. */
@Injectable()
export class AccessTokenIssuer {
  constructor(
    private readonly keys: SigningKeys,
    private readonly jwt: JwtService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  issue(subject: { userId: string; sessionId: string; roles: Role[] }): IssuedAccessToken {
    const key = this.keys.active;
    const expiresIn = this.config.jwt.accessTokenTtl;
    // JwtService signs with the active key (jwt-options.ts); the header names that key.
    const token = this.jwt.sign(
      { sid: subject.sessionId, roles: subject.roles },
      {
        header: { alg: ACCESS_TOKEN_ALGORITHM, kid: key.kid, typ: ACCESS_TOKEN_TYPE },
        subject: subject.userId,
        jwtid: randomUUID(),
        expiresIn,
      },
    );
    return { token, expiresIn };
  }
}
