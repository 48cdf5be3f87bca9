import { GroupCommit } from './group-commit';

/** A write that waits until the test lets it finish, remembering each batch it was given. */
function gatedWrite() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  let fail: Error | null = null;
  const write = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push(items);
      gates.push(() => (fail ? reject(fail) : resolve(items.map((i) => `written ${i}`))));
    });
  return { batches, write, open: () => gates.shift()!(), failNext: (error: Error | null) => (fail = error) };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('writes at once when idle, and gathers what arrives meanwhile into the next write', async () => {
    const gate = gatedWrite();
    const commit = new GroupCommit(gate.write);

    const first = commit.submit(1);
    const rest = [commit.submit(2), commit.submit(3)];
    await settled();
    expect(gate.batches).toEqual([[1]]);
    gate.open();
    await expect(first).resolves.toBe('written 1');
    await settled();
    gate.open();

    await expect(Promise.all(rest)).resolves.toEqual(['written 2', 'written 3']);
    expect(gate.batches).toEqual([[1], [2, 3]]);
  });

  it('fails every item of a refused write with its error, and goes on with the next', async () => {
    const gate = gatedWrite();
    const commit = new GroupCommit(gate.write);
    const refusal = new Error('value too long');

    const first = commit.submit(1);
    const refused = [commit.submit(2), commit.submit(3)];
    await settled();
    gate.open();
    await first;
    gate.failNext(refusal);
    await settled();
    const results = Promise.allSettled(refused);
    gate.open();

    expect((await results).map((r) => (r.status === 'rejected' ? r.reason : r.value))).toEqual([refusal, refusal]);
    gate.failNext(null);
    const later = commit.submit(4);
    await settled();
    gate.open();
    await expect(later).resolves.toBe('written 4');
  });

  describe('with a spacing', () => {
    /** Submits `item` to an idle commit, lets its write finish, and waits for it. */
    async function writeOne(commit: GroupCommit<number, string>, gate: ReturnType<typeof gatedWrite>, item: number): Promise<void> {
      const written = commit.submit(item);
      await settled();
      gate.open();
      await written;
    }

    /** Like gatedWrite, remembering when each write started. */
    function timedGate() {
      const gate = gatedWrite();
      const starts: number[] = [];
      const write = (items: number[]) => {
        starts.push(performance.now());
        return gate.write(items);
      };
      return { ...gate, starts, write };
    }

    it('holds what arrives soon after a write until the spacing has passed, and writes it together', async () => {
      const gate = timedGate();
      const commit = new GroupCommit(gate.write, 5000);

      await writeOne(commit, gate, 1);
      const rest = [commit.submit(2), commit.submit(3)];
      await settled();
      expect(gate.batches).toEqual([[1]]);

      await new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (gate.batches.length < 2) return;
          clearInterval(check);
          resolve();
        }, 50);
      });
      gate.open();
      await expect(Promise.all(rest)).resolves.toEqual(['written 2', 'written 3']);
      expect(gate.batches).toEqual([[1], [2, 3]]);
      // Timers may fire a fraction of a millisecond early as performance.now() counts.
      expect(gate.starts[1] - gate.starts[0]).toBeGreaterThanOrEqual(4990);
    });

    it('writes at once after a quiet spell', async () => {
      const gate = timedGate();
      const commit = new GroupCommit(gate.write, 100);

      await writeOne(commit, gate, 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const second = commit.submit(2);
      await settled();
      expect(gate.batches).toEqual([[1], [2]]);
      gate.open();
      await expect(second).resolves.toBe('written 2');
    });

    it('does not hold a full batch', async () => {
      const gate = timedGate();
      const commit = new GroupCommit(gate.write, 60_000);

      await writeOne(commit, gate, 0);
      const full = Array.from({ length: 64 }, (_, k) => commit.submit(k + 1));
      await settled();
      expect(gate.batches.map((b) => b.length)).toEqual([1, 64]);
      gate.open();
      await expect(Promise.all(full)).resolves.toHaveLength(64);
    });
  });
});
