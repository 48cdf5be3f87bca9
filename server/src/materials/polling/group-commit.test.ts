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
});
