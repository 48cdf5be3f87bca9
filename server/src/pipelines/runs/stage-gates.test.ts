import { approvalWithdrawn, rerunRefused, type LatestAttempts } from './stage-gates';

const STAGES = ['build', 'qa', 'production'];

/** Latest attempts from `stage:state:counter` entries. */
function latest(...entries: string[]): LatestAttempts {
  return new Map(
    entries.map((entry) => {
      const [name, state, counter] = entry.split(':');
      return [name, { state: state as never, counter: Number(counter) }];
    }),
  );
}

describe('approvalWithdrawn', () => {
  it('lets a waiting stage be approved when every earlier stage passed on its latest attempt', () => {
    expect(approvalWithdrawn(STAGES, 2, latest('build:passed:2', 'qa:passed:1', 'production:awaiting_approval:1'))).toBeNull();
  });

  it.each([
    [['build:scheduled:2', 'qa:passed:1'], "stage 'build' is running again (attempt 2); approve once it has passed"],
    [['build:passed:2', 'qa:running:2'], "stage 'qa' is running again (attempt 2); approve once it has passed"],
    [['build:passed:1', 'qa:failed:2'], "stage 'qa' failed on its latest attempt (2); approve once a rerun of 'qa' has passed"],
    [['build:cancelled:3', 'qa:passed:1'], "stage 'build' cancelled on its latest attempt (3); approve once a rerun of 'build' has passed"],
    [['build:passed:1'], "stage 'qa' has not run"],
  ])('withdraws it while an earlier stage has not passed: %j', (entries, reason) => {
    expect(approvalWithdrawn(STAGES, 2, latest(...entries, 'production:awaiting_approval:1'))).toBe(reason);
  });
});

describe('rerunRefused', () => {
  it('lets an earlier stage run again while a later one only waits for approval', () => {
    expect(rerunRefused(STAGES, 0, latest('build:passed:1', 'qa:passed:1', 'production:awaiting_approval:1'))).toBeNull();
  });

  it.each([
    [0, ['build:running:1'], "stage 'build' is in progress (running); wait for it or cancel it first"],
    [0, ['build:passed:1', 'qa:scheduled:1'], "stage 'qa' is in progress (scheduled); wait for it or cancel it first"],
    [
      2,
      ['build:passed:1', 'qa:passed:1', 'production:awaiting_approval:1'],
      "stage 'production' waits for approval; approve it (or cancel it) instead of running it again",
    ],
    [2, ['build:passed:1', 'qa:failed:1'], "stage 'qa' has not passed, so 'production' cannot run"],
  ])('refuses stage %i with %j', (index, entries, reason) => {
    expect(rerunRefused(STAGES, index, latest(...entries))).toBe(reason);
  });
});
