import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BackgroundModule } from '../common/background/background.module';
import { MetricsServiceModule } from '../common/metrics/metrics-service.module';
import { AuditEvent } from './audit-event.entity';
import { AuditService } from './audit.service';

@Module({
  imports: [TypeOrmModule.forFeature([AuditEvent]), BackgroundModule, MetricsServiceModule],
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {}
