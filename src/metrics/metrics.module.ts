import { Module } from '@nestjs/common';
import { MetricsServiceModule } from '../common/metrics/metrics-service.module';
import { MetricsController } from './metrics.controller';

@Module({
  imports: [MetricsServiceModule],
  controllers: [MetricsController],
})
export class MetricsModule {}
