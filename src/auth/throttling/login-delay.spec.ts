import { delayAfter } from './login-delay';

describe('progressive login delay schedule', () => {
  const schedule = { after: 3, baseMs: 250, maxMs: 5000 };

  it.each([
    [1, 0],
    [2, 0],
    [3, 250],
    [4, 500],
    [5, 1000],
    [6, 2000],
    [7, 4000],
    [8, 5000],
    [1000, 5000],
  ])('after %i consecutive failures waits %i ms', (failures, expected) => {
    expect(delayAfter(failures, schedule)).toBe(expected);
  });

  it('waits nothing when the base is 0', () => {
    expect(delayAfter(10, { ...schedule, baseMs: 0 })).toBe(0);
  });
});
