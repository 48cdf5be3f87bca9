import { CrashHistory } from './crash-history';

const policy = { maxCrashes: 5, windowMs: 10_000, initialBackoffMs: 1000, maxBackoffMs: 30_000 };

describe('CrashHistory', () => {
  it('doubles the backoff with each crash in the window, up to the maximum', () => {
    const history = new CrashHistory(policy, () => 0);

    const delays = Array.from({ length: 7 }, () => {
      history.record();
      return history.backoffMs();
    });

    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });

  it('forgets crashes older than the window', () => {
    let now = 0;
    const history = new CrashHistory(policy, () => now);
    history.record();
    history.record();

    now = 10_000;
    const count = history.record();

    expect(count).toBe(1);
    expect(history.backoffMs()).toBe(1000);
  });

  it('starts over when cleared', () => {
    const history = new CrashHistory(policy, () => 0);
    history.record();
    history.record();

    history.clear();

    expect(history.record()).toBe(1);
  });
});
