import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { withTimeout } from '../common/with-timeout.js';

const DB_CHECK_TIMEOUT_MS = 2000;

export interface HealthReport {
  status: 'ok' | 'error';
  db: 'up' | 'down';
}

@Injectable()
export class HealthService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async check(): Promise<HealthReport> {
    const up = await this.isDatabaseUp();
    return up ? { status: 'ok', db: 'up' } : { status: 'error', db: 'down' };
  }

  /** A round trip, bounded in time: a hung server counts as down. */
  private async isDatabaseUp(): Promise<boolean> {
    const probe = this.dataSource.query('SELECT 1').then(
      () => true,
      () => false,
    );
    return withTimeout(probe, DB_CHECK_TIMEOUT_MS, () => false);
  }
}
