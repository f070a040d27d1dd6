import { Injectable } from '@nestjs/common';
import { probe, type DependencyStatus } from '../common/health/dependency-status';
import { KeyValueStore } from './key-value.store';

/** Pings Redis for the health checks; the memory store is always up. */
@Injectable()
export class RedisHealth {
  constructor(private readonly store: KeyValueStore) {}

  check(timeoutMs: number): Promise<DependencyStatus> {
    return probe(() => this.store.ping(), timeoutMs, { mode: this.store.mode });
  }
}
