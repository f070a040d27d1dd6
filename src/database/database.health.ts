import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { probe, type DependencyStatus } from '../common/health/dependency-status';
import { DatabaseEndpoint } from './database-endpoint';

/** Pings PostgreSQL for the health checks. */
@Injectable()
export class DatabaseHealth {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly endpoint: DatabaseEndpoint,
  ) {}

  check(timeoutMs: number): Promise<DependencyStatus> {
    const mode = this.endpoint.isEmbedded ? 'embedded' : 'postgres';
    return probe(() => this.dataSource.query('SELECT 1'), timeoutMs, { mode });
  }
}
