import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';

/**
 * This instance's Prometheus metrics, in a registry of its own (not prom-client's global one,
 * so that several instances in one process, as in the tests, never share counters).
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  /** API keys with a known id that were refused, by reason. */
  readonly apiKeyRefusals = new Counter({
    name: 'auth_api_key_refusals_total',
    help: 'API keys with a known id that were refused, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
