import { Logger } from '@nestjs/common';
import { DependencyUnavailableError } from './dependency-unavailable.error';
import { OutageLog } from './outage-log';

describe('OutageLog', () => {
  let warnings: string[];
  let now: number;
  let redisUp: boolean;
  let outages: OutageLog;

  beforeEach(() => {
    warnings = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
      warnings.push(String(message));
    });
    now = 1_000_000;
    redisUp = false;
    outages = new OutageLog(
      {
        database: () => Promise.resolve(),
        redis: () => (redisUp ? Promise.resolve() : Promise.reject(new Error('down'))),
      },
      () => now,
    );
  });
  afterEach(() => {
    outages.onModuleDestroy();
    jest.restoreAllMocks();
  });

  const refusal = () =>
    new DependencyUnavailableError('redis', { cause: new Error('connect ECONNREFUSED') });

  it('says once that an outage began, however many requests it refuses', () => {
    for (let i = 0; i < 1000; i += 1) outages.refused(refusal());
    expect(warnings).toEqual([
      'Redis unavailable (connect ECONNREFUSED): requests that need it are refused with 503 until it answers',
    ]);
  });

  it('says once that it ended, with how long it lasted and how many requests were refused', async () => {
    outages.refused(refusal());
    outages.refused(refusal());
    now += 4_000;
    await outages.probeOpen();
    expect(warnings).toHaveLength(1); // still down: nothing more said
    outages.refused(refusal());
    redisUp = true;
    now += 8_500;
    await outages.probeOpen();
    await outages.probeOpen();
    expect(warnings.slice(1)).toEqual([
      'Redis answers again after 12.5 s; 3 request(s) were refused meanwhile',
    ]);
  });

  it('opens a new outage after one has ended', async () => {
    outages.refused(refusal());
    redisUp = true;
    await outages.probeOpen();
    outages.refused(refusal());
    expect(warnings.filter((line) => line.startsWith('Redis unavailable'))).toHaveLength(2);
  });

  it('keeps the outages of each dependency apart', async () => {
    outages.refused(refusal());
    outages.refused(new DependencyUnavailableError('database'));
    await outages.probeOpen();
    expect(warnings).toEqual([
      expect.stringMatching(/^Redis unavailable/),
      'PostgreSQL unavailable (no answer): requests that need it are refused with 503 until it answers',
      'PostgreSQL answers again after 0.0 s; 1 request(s) were refused meanwhile',
    ]);
  });
});
