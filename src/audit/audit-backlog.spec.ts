import { AuditBacklog, type DropReason } from './audit-backlog';

class Down extends Error {}
class Refused extends Error {}

/** A database that is down until `up` is set, and refuses the values listed in `bad`. */
function harness(limit = 5) {
  const state = { up: false, bad: new Set<number>() };
  const written: number[] = [];
  const dropped: [number, DropReason][] = [];
  const lines: string[] = [];
  const backlog = new AuditBacklog<number>({
    limit,
    write: (events) => {
      if (!state.up) return Promise.reject(new Down('connect ECONNREFUSED'));
      if (events.some((event) => state.bad.has(event))) return Promise.reject(new Refused('22P02'));
      written.push(...events);
      return Promise.resolve();
    },
    isTransient: (error) => error instanceof Down,
    onDropped: (count, reason) => dropped.push([count, reason]),
    log: {
      log: (line) => lines.push(line),
      warn: (line) => lines.push(line),
      error: (line) => lines.push(line),
    },
    retry: { initialMs: 100, maxMs: 400 },
  });
  return { state, written, dropped, lines, backlog };
}

describe('AuditBacklog', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('writes queued events in order once the database is back, retrying in the background', async () => {
    const { state, written, backlog } = harness();
    for (const event of [1, 2, 3]) backlog.add(event, new Down('connect ECONNREFUSED'));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(written).toEqual([]);
    expect(backlog.size).toBe(3);

    state.up = true;
    // Backoff is capped at 400 ms here: one more cap's worth of time is enough.
    await jest.advanceTimersByTimeAsync(400);
    expect(written).toEqual([1, 2, 3]);
    expect(backlog.size).toBe(0);
  });

  it('keeps the oldest events when full, counts the rest, and logs once per outage', async () => {
    const { state, written, dropped, lines, backlog } = harness(3);
    for (const event of [1, 2, 3, 4, 5, 6]) backlog.add(event, new Down('connect ECONNREFUSED'));
    expect(dropped).toEqual([
      [1, 'queue_full'],
      [1, 'queue_full'],
      [1, 'queue_full'],
    ]);
    expect(lines.filter((line) => /queue is full/.test(line))).toHaveLength(1);

    state.up = true;
    await backlog.flush();
    expect(written).toEqual([1, 2, 3]);
    expect(lines).toContain(
      '3 audit events were dropped while the database did not answer (the queue was full)',
    );
    expect(lines.join('\n')).not.toMatch(/ECONNREFUSED[\s\S]*ECONNREFUSED/);
  });

  it('drops only the events the database refuses, and writes the others in order', async () => {
    const { state, written, dropped, backlog } = harness();
    for (const event of [1, 2, 3]) backlog.add(event);
    state.up = true;
    state.bad.add(2);
    expect(await backlog.flush()).toBe(true);
    expect(written).toEqual([1, 3]);
    expect(dropped).toEqual([[1, 'rejected']]);
  });

  it('tries once more at shutdown and counts what is still lost', async () => {
    const { written, dropped, lines, backlog } = harness();
    for (const event of [1, 2]) backlog.add(event);
    await backlog.close();
    expect(written).toEqual([]);
    expect(dropped).toEqual([[2, 'shutdown']]);
    expect(lines).toContain(
      '2 audit events could not be written before shutdown (the database did not answer)',
    );

    backlog.add(3);
    expect(dropped).toEqual([
      [2, 'shutdown'],
      [1, 'shutdown'],
    ]);
  });

  it('writes at shutdown what it can', async () => {
    const { state, written, dropped, backlog } = harness();
    for (const event of [1, 2]) backlog.add(event);
    state.up = true;
    await backlog.close();
    expect(written).toEqual([1, 2]);
    expect(dropped).toEqual([]);
  });
});
