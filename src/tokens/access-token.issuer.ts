import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import * as jwt from 'jsonwebtoken';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import type { Role } from '../security/roles';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE } from './access-token';
import { SigningKeys } from './signing-keys';

export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
}

/** Signs access tokens with the active key: header {alg, kid, typ}, claims per API.md. */
@Injectable()
export class AccessTokenIssuer {
  constructor(
    private readonly keys: SigningKeys,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  issue(subject: { userId: string; sessionId: string; roles: Role[] }): IssuedAccessToken {
    const key = this.keys.active;
    const expiresIn = this.config.jwt.accessTokenTtl;
    const token = jwt.sign({ sid: subject.sessionId, roles: subject.roles }, key.privateKey, {
      algorithm: ACCESS_TOKEN_ALGORITHM,
      header: { alg: ACCESS_TOKEN_ALGORITHM, kid: key.kid, typ: ACCESS_TOKEN_TYPE },
      issuer: this.config.jwt.issuer,
      audience: this.config.jwt.audience,
      subject: subject.userId,
      jwtid: randomUUID(),
      expiresIn,
    });
    return { token, expiresIn };
  }
}
