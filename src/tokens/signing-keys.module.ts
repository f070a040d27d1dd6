import { Module } from '@nestjs/common';
import { SigningKeys } from './signing-keys';

/** The RS256 keys on their own, so that JwtModule's options can be built from them. */
@Module({ providers: [SigningKeys], exports: [SigningKeys] })
export class SigningKeysModule {}
