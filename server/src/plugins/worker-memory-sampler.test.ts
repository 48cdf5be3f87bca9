import type { WorkerMemorySample } from './protocol';
import { WorkerMemorySampler } from './worker-memory-sampler';

const INTERVAL_MS = 250;
const SETTLE_MS = 1000;

describe('WorkerMemorySampler', () => {
  let samples: WorkerMemorySample[];
  let sampler: WorkerMemorySampler;

  beforeEach(() => {
    jest.useFakeTimers();
    samples = [];
    sampler = new WorkerMemorySampler(INTERVAL_MS, (sample) => samples.push(sample), SETTLE_MS);
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  const shortCall = () => {
    sampler.callStarted();
    sampler.callEnded();
  };

  it('samples the end of a call, and of a stream of short calls once an interval, not once each', () => {
    shortCall();
    expect(samples).toHaveLength(1);

    for (let i = 0; i < 50; i += 1) {
      jest.advanceTimersByTime(INTERVAL_MS / 10);
      shortCall();
    }

    // 50 calls over five intervals: a sample for each interval that passed, not one a call.
    expect(samples.length).toBeGreaterThanOrEqual(5);
    expect(samples.length).toBeLessThanOrEqual(6);
  });

  it('samples every interval while a call runs, its end only when the last sample is an interval old', () => {
    sampler.callStarted();
    jest.advanceTimersByTime(INTERVAL_MS * 4);
    expect(samples).toHaveLength(4);

    jest.advanceTimersByTime(INTERVAL_MS / 2);
    sampler.callEnded();
    expect(samples).toHaveLength(4);

    jest.advanceTimersByTime(INTERVAL_MS / 2);
    shortCall();
    expect(samples).toHaveLength(5);
  });

  it('samples once more when the worker has been idle for the settle time after its last call, and then keeps no timer', () => {
    shortCall();
    jest.advanceTimersByTime(SETTLE_MS / 2);
    shortCall();
    const beforeSettle = samples.length;

    jest.advanceTimersByTime(SETTLE_MS - 1);
    expect(samples).toHaveLength(beforeSettle);
    jest.advanceTimersByTime(1);
    expect(samples).toHaveLength(beforeSettle + 1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('takes no settle sample while a call is still running', () => {
    shortCall();
    sampler.callStarted();
    const started = samples.length;

    jest.advanceTimersByTime(SETTLE_MS * 3);

    // Only the running call's interval samples.
    expect(samples).toHaveLength(started + (SETTLE_MS * 3) / INTERVAL_MS);
    sampler.callEnded();
    jest.advanceTimersByTime(SETTLE_MS);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('reports the highest heap and external total seen as the peak', () => {
    shortCall();
    jest.advanceTimersByTime(SETTLE_MS);

    for (const sample of samples) {
      expect(sample.peak_total).toBeGreaterThanOrEqual(sample.heap_used + sample.external);
    }
    expect(samples.at(-1)!.peak_total).toBe(Math.max(...samples.map((s) => s.heap_used + s.external)));
  });
});
