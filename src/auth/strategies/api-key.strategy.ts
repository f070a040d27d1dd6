import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import {
  ApiKeyAuthenticator,
  type AuthenticatedApiKey,
} from '../../api-keys/api-key.authenticator';

export const API_KEY_STRATEGY = 'api-key';
export const API_KEY_HEADER = 'X-API-Key';

/** passport-headerapikey: the key from the `X-API-Key` header only, never the query string. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(HeaderAPIKeyStrategy, API_KEY_STRATEGY) {
  constructor(private readonly apiKeys: ApiKeyAuthenticator) {
    super({ header: API_KEY_HEADER, prefix: '' }, false);
  }

  validate(apiKey: string): Promise<AuthenticatedApiKey> {
    return this.apiKeys.authenticate(apiKey);
  }
}
