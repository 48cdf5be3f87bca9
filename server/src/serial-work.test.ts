import { SerialWork } from './serial-work';

describe('SerialWork', () => {
  it('runs once more, and only once, for any number of requests during a run', async () => {
    let runs = 0;
    let inFlight = 0;
    let most = 0;
    const release: (() => void)[] = [];
    const work = new SerialWork(async () => {
      runs += 1;
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise<void>((resolve) => release.push(resolve));
      inFlight -= 1;
    });

    work.request();
    work.request();
    work.request();
    release.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
    release.shift()!();
    await work.settled();

    expect(runs).toBe(2);
    expect(most).toBe(1);
    expect(release).toEqual([]);
  });

  it('settles at once when nothing runs', async () => {
    let runs = 0;
    const work = new SerialWork(async () => {
      runs += 1;
    });

    await work.settled();

    expect(runs).toBe(0);
  });

  it('with a spacing, starts a run no sooner than the spacing after the one before, once for a burst of requests', async () => {
    const starts: number[] = [];
    const spacingMs = 50;
    const work = new SerialWork(async () => {
      starts.push(performance.now());
    }, spacingMs);

    // The first run starts within this request, so its start is no earlier than this.
    const firstRequestedAt = performance.now();
    work.request();
    await work.settled();
    for (let i = 0; i < 5; i += 1) work.request();
    await new Promise((resolve) => setTimeout(resolve, spacingMs * 3));
    await work.settled();

    expect(starts).toHaveLength(2);
    expect(starts[1] - firstRequestedAt).toBeGreaterThanOrEqual(spacingMs);
  });

  it('with a spacing, starts a waiting run at once when asked to settle', async () => {
    let runs = 0;
    const work = new SerialWork(async () => {
      runs += 1;
    }, 60_000);

    work.request();
    await work.settled();
    work.request();
    await work.settled();

    expect(runs).toBe(2);
  });

  it('settles only after the run asked for during the last one, even one waiting for its spacing', async () => {
    let ended = 0;
    const release: (() => void)[] = [];
    const work = new SerialWork(async () => {
      await new Promise<void>((resolve) => release.push(resolve));
      ended += 1;
    }, 60_000);
    let settledWith: number | null = null;

    work.request();
    work.request();
    const settling = work.settled().then(() => {
      settledWith = ended;
    });
    release.shift()!();
    while (release.length === 0 && settledWith === null) await new Promise((resolve) => setImmediate(resolve));
    expect(settledWith).toBeNull();
    release.shift()!();
    await settling;

    expect(settledWith).toBe(2);
  });
});
