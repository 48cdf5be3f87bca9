import type { ConformanceOptions, ConformanceReport } from './conformance-options';
import { applicableChecks, CONFORMANCE_CHECKS, runBudgetMs, runConformance } from './run-conformance';

type TestBody = () => Promise<void> | void;

/** The jest globals this needs; typed here so that the package does not depend on jest. */
interface TestGlobals {
  // Plain functions, not methods: the globals are called unbound, as jest's own are.
  describe: (name: string, body: () => void) => void;
  it: (name: string, body: TestBody) => void;
  beforeAll: (body: TestBody, timeoutMs?: number) => void;
}

/** Options given as a function are read in `beforeAll`, after the fixture server has started. */
const LAZY_BUDGET_MS = 15 * 60 * 1000;

/**
 * Defines a jest `describe` block with one `it` per conformance check. The checks run once, in a
 * `beforeAll`; each `it` fails with its check's message. Give the options as a function when
 * they are only known once the fixture server listens: then every check gets an `it`, and one
 * that does not apply (no batch capability, no `missingPackage`…) passes with nothing to check.
 *
 * @example
 * ```ts
 * import { describeConformance } from '@baton/plugin-api/testing';
 * import plugin from '../src';
 *
 * let server: FixtureServer;
 * beforeAll(async () => { server = await startFixtureServer('test/fixtures/repo'); });
 * afterAll(() => server.close());
 *
 * describeConformance('static-list plugin', () => ({
 *   plugin,
 *   repository: { URL: `${server.url}/list.json` },
 *   packages: [{ NAME: 'left-pad' }],
 *   missingPackage: { NAME: 'no-such-package' },
 * }));
 * ```
 */
export function describeConformance(name: string, options: ConformanceOptions | (() => ConformanceOptions | Promise<ConformanceOptions>)): void {
  const { describe, it, beforeAll } = testGlobals();
  const checks = typeof options === 'function' ? CONFORMANCE_CHECKS : applicableChecks(options);
  const budget = typeof options === 'function' ? LAZY_BUDGET_MS : runBudgetMs(options) + 5000;
  describe(name, () => {
    let result: { options: ConformanceOptions; report: ConformanceReport } | { error: unknown } = { error: new Error('the checks did not run') };
    beforeAll(async () => {
      try {
        const resolved = typeof options === 'function' ? await options() : options;
        result = { options: resolved, report: await runConformance(resolved) };
      } catch (error) {
        result = { error };
      }
    }, budget);
    for (const check of checks) {
      it(`${check.name}: ${check.title}`, () => {
        if ('error' in result) throw result.error;
        const failure = result.report.failures.find((f) => f.check === check.name);
        if (failure) throw new Error(failure.message);
        const ran = result.report.passed.includes(check.name);
        if (!ran && applicableChecks(result.options).includes(check)) throw new Error(`${check.name} did not run`);
      });
    }
  });
}

function testGlobals(): TestGlobals {
  const g = globalThis as Partial<TestGlobals>;
  if (typeof g.describe !== 'function' || typeof g.it !== 'function' || typeof g.beforeAll !== 'function') {
    throw new Error('describeConformance needs the jest globals describe, it and beforeAll; use runConformance elsewhere');
  }
  return { describe: g.describe, it: g.it, beforeAll: g.beforeAll };
}
