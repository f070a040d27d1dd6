import { randomBytes } from 'node:crypto';
import { ServerSecret } from '../common/crypto/server-secret';
import type { AppConfig } from '../config/app-config';
import { RefreshTokenCodec } from './refresh-token';

/** A codec under a fresh random server secret, for specs and store contracts. */
export async function testRefreshTokenCodec(
  tokenSecret = randomBytes(32).toString('base64url'),
): Promise<RefreshTokenCodec> {
  const secret = new ServerSecret({ tokenSecret } as unknown as AppConfig);
  await secret.onModuleInit();
  return new RefreshTokenCodec(secret);
}
