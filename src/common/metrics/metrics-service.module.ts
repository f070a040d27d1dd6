import { Module } from '@nestjs/common';
import { MetricsService } from './metrics.service';

/** The registry and counters, for any layer that counts; `/metrics` itself is a feature. */
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class MetricsServiceModule {}
