import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminApiKeysController } from './admin-api-keys.controller';
import { ApiKey } from './api-key.entity';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { ApiKeyCache } from './api-key.cache';
import { ApiKeyPepper } from './api-key-pepper';
import { ApiKeyUsage } from './api-key-usage';
import { ApiKeysService } from './api-keys.service';

/** API keys: the admin routes, and verification with a short cache for the global guard. */
@Module({
  imports: [TypeOrmModule.forFeature([ApiKey])],
  controllers: [AdminApiKeysController],
  providers: [ApiKeysService, ApiKeyAuthenticator, ApiKeyCache, ApiKeyPepper, ApiKeyUsage],
  exports: [ApiKeyAuthenticator],
})
export class ApiKeysModule {}
