import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { BackgroundModule } from '../common/background/background.module';
import { MetricsServiceModule } from '../common/metrics/metrics-service.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { RedisModule } from '../state/redis.module';
import { AdminApiKeysController } from './admin-api-keys.controller';
import { ApiKey } from './api-key.entity';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeyCache } from './api-key.cache';
import { ApiKeyPepper } from './api-key-pepper';
import { ApiKeyUsage } from './api-key-usage';
import { ApiKeysService } from './api-keys.service';

/** API keys: the admin routes, and verification with a short cache for the global guard. */
@Module({
  imports: [
    TypeOrmModule.forFeature([ApiKey]),
    AuditModule,
    BackgroundModule,
    MetricsServiceModule,
    RateLimitModule,
    RedisModule,
  ],
  controllers: [AdminApiKeysController],
  providers: [
    ApiKeyRepository,
    ApiKeysService,
    ApiKeyAuthenticator,
    ApiKeyCache,
    ApiKeyPepper,
    ApiKeyUsage,
  ],
  exports: [ApiKeyAuthenticator],
})
export class ApiKeysModule {}
