import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { HttpExceptionFilter } from './common/errors/http-exception.filter';
import { OutageLog } from './common/errors/outage-log';
import { LoggingModule } from './common/logging/logging.module';
import { createValidationPipe } from './common/validation/validation.pipe';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseHealth } from './database/database.health';
import { DatabaseHealthModule } from './database/database-health.module';
import { DatabaseModule } from './database/database.module';
import { ENTITIES } from './entities';
import { HealthModule } from './health/health.module';
import { AdminModule } from './admin/admin.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { MetricsModule } from './metrics/metrics.module';
import { BackgroundModule } from './common/background/background.module';
import { MailModule } from './mail/mail.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { RedisHealth } from './state/redis.health';
import { RedisModule } from './state/redis.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        DatabaseModule.forRoot(config, ENTITIES),
        RedisModule,
        BackgroundModule,
        RateLimitModule,
        MetricsModule,
        MailModule,
        AuditModule,
        UsersModule,
        AuthModule,
        AdminModule,
        HealthModule,
        DatabaseHealthModule,
      ],
      providers: [
        {
          provide: OutageLog,
          inject: [DatabaseHealth, RedisHealth],
          useFactory: (database: DatabaseHealth, redis: RedisHealth) =>
            new OutageLog({
              database: () => answers(database.check(OUTAGE_PROBE_TIMEOUT_MS)),
              redis: () => answers(redis.check(OUTAGE_PROBE_TIMEOUT_MS)),
            }),
        },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}

const OUTAGE_PROBE_TIMEOUT_MS = 1_000;

async function answers(check: Promise<{ up: boolean }>): Promise<void> {
  if (!(await check).up) throw new Error('still down');
}
