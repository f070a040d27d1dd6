import { Module } from '@nestjs/common';
import { ServerSecret } from './server-secret';

/** The server's MAC key, for tokens and cookies it must later recognise as its own. */
@Module({ providers: [ServerSecret], exports: [ServerSecret] })
export class SecretsModule {}
