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
});
