import type { ConformanceCheckName, ConformanceOptions } from '../conformance-options';
import type { ConformanceRun } from '../conformance-run';

/**
 * One check of the kit: whether it applies to these options, how many plugin calls it makes at
 * most (to size the time budget), and the run itself, which answers a list of problems (empty
 * when the check passes).
 */
export interface ConformanceCheck {
  name: ConformanceCheckName;
  /** What conformance means here, as a test title. */
  title: string;
  applies(options: ConformanceOptions): boolean;
  maxCalls(options: ConformanceOptions): number;
  run(run: ConformanceRun): Promise<string[]>;
}

/** For checks that always apply. */
export const always = (): boolean => true;
