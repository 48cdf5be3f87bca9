import { PermanentError, toWireError, type BatchAnswer, type BatchItem, type Configuration, type PackageRevision, type PluginContext } from '../src';
import { runConformance, type ConformanceOptions, type ConformanceReport } from '../src/testing';
import { closedPortUrl, startFixtureServer, type FixtureServer } from './support/fixture-server';
import { staticListPlugin, staticListSpec } from './support/static-list-plugin';

let server: FixtureServer;
let unreachable: string;

beforeAll(async () => {
  server = await startFixtureServer();
  unreachable = await closedPortUrl('/versions.json');
});

afterAll(() => server.close());

function fixtureOptions(plugin: unknown, timeoutMs?: number): ConformanceOptions {
  return {
    plugin,
    repository: { URL: `${server.url}/versions.json` },
    packages: [{ NAME: 'left-pad' }, { NAME: 'right-pad', PREFIX: '0.' }],
    missingPackage: { NAME: 'no-such-package' },
    unreachableRepository: { URL: unreachable },
    timeoutMs,
  };
}

const failedChecks = (report: ConformanceReport): string[] => report.failures.map((f) => f.check);
const messageOf = (report: ConformanceReport, check: string): string => report.failures.find((f) => f.check === check)?.message ?? '';

describe('runConformance with a well-behaved plugin', () => {
  it('passes every check, the optional ones included', async () => {
    const report = await runConformance(fixtureOptions(staticListPlugin()));

    expect(report.failures).toEqual([]);
    expect(report.passed).toEqual([
      'definition',
      'required-properties',
      'valid-configuration',
      'repository-connection',
      'package-connection',
      'latest-revision',
      'nothing-newer-than-latest',
      'batch',
      'missing-package',
      'unreachable-repository',
      'errors-classified',
      'within-timeout',
    ]);
  });

  it('leaves out the optional checks when their configurations are not given', async () => {
    const options = fixtureOptions(staticListPlugin());
    delete options.missingPackage;
    delete options.unreachableRepository;

    const report = await runConformance(options);

    expect(report.failures).toEqual([]);
    expect(report.passed).not.toContain('missing-package');
    expect(report.passed).not.toContain('unreachable-repository');
  });

  it('accepts a hand-written spec and adds the generic validation, as the host does', async () => {
    const spec = { ...staticListSpec(), validatePackage: async () => [] };

    const report = await runConformance(fixtureOptions(spec));

    expect(report.failures).toEqual([]);
  });

  it('accepts a whole module and unwraps its default export', async () => {
    const report = await runConformance({ ...fixtureOptions({ default: staticListPlugin() }) });

    expect(report.failures).toEqual([]);
  });

  it('keeps one store per repository across calls, so cached ETags are sent again', async () => {
    const before = server.notModified();

    const report = await runConformance(fixtureOptions(staticListPlugin()));

    expect(report.failures).toEqual([]);
    expect(server.notModified()).toBeGreaterThan(before);
  });

  it("aborts the call's signal with a TransientError when the timeout runs out", async () => {
    const reasons: unknown[] = [];
    async function waitForAbort(_repo: Configuration, _pkg: Configuration, _previous: PackageRevision, ctx: PluginContext) {
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      reasons.push(ctx.signal.reason);
      throw ctx.signal.reason;
    }

    // The latest revision is answered without a request, so that however slow the machine, each package gets to the call that waits.
    const latest: PackageRevision = { revision: '1.0.0', timestamp: new Date('2026-01-02T03:04:05Z') };
    const plugin = { ...staticListPlugin(), latestRevision: () => Promise.resolve({ revision: latest }), latestRevisionSince: waitForAbort };

    const report = await runConformance(fixtureOptions(plugin, 100));

    expect(reasons.map((r) => toWireError(r).kind)).toEqual(['transient', 'transient']);
    expect(messageOf(report, 'within-timeout')).toContain('latestRevisionSince for packages[0] did not finish within 100 ms');
  });
});

/** The static-list plugin with one more repository property, as an author might declare it. */
function withRepositoryProperty(property: Record<string, unknown>): unknown {
  const plugin = staticListPlugin();
  return { ...plugin, repository: { properties: [...plugin.repository.properties, property] } };
}

const hang = (): Promise<never> => new Promise(() => undefined);

/** Each row: a plugin broken in one way, the checks that must fail, and what the message must say. */
const broken: [string, () => unknown, string[], string][] = [
  ['a bad id', () => ({ ...staticListPlugin(), id: 'Static List' }), ['definition'], 'id must match'],
  [
    'batch: true without latestRevisionsSince',
    () => ({ ...staticListPlugin(), latestRevisionsSince: undefined }),
    ['definition', 'batch'],
    'capabilities.batch is true, so latestRevisionsSince must be a function',
  ],
  [
    'a required key that validation does not enforce',
    () => ({ ...staticListPlugin(), validatePackage: async () => [] }),
    ['required-properties'],
    'NAME is required and has no default',
  ],
  [
    'a malformed revision data key',
    () => withLatest(async (revision) => ({ revision: { ...revision, data: { location: 'x' } } })),
    ['package-connection', 'latest-revision', 'nothing-newer-than-latest'],
    "data key 'location' must match",
  ],
  [
    'latestRevisionSince(latest) answering the same revision again',
    () => ({ ...staticListPlugin(), latestRevisionSince: sameAgain }),
    ['nothing-newer-than-latest'],
    "answered '1.3.0' when given the latest revision '1.3.0'",
  ],
  [
    'a plain Error for a repository it cannot reach',
    () => ({ ...staticListPlugin(), latestRevision: plainErrorOnFailure }),
    ['unreachable-repository', 'errors-classified'],
    'unclassified error (a bug): Error: could not read the list',
  ],
  [
    'a hanging operation',
    () => ({ ...staticListPlugin(), latestRevisionSince: hang }),
    ['nothing-newer-than-latest', 'within-timeout'],
    'did not finish within 300 ms',
  ],
  [
    'a boolean property with an enum and a default of another type',
    () => withRepositoryProperty({ key: 'VERIFY', displayName: 'Verify', type: 'boolean', enum: ['on'], required: false, partOfIdentity: false }),
    ['definition'],
    'repository.properties[1].enum is not allowed on a boolean property',
  ],
  [
    'an enum value that does not fit the integer type',
    () => withRepositoryProperty({ key: 'RETRIES', displayName: 'Retries', type: 'integer', enum: ['1', 'two'], required: false, partOfIdentity: false }),
    ['definition'],
    "repository.properties[1].enum[1] 'two' must be an integer",
  ],
  ['a batch answer missing a key', () => ({ ...staticListPlugin(), latestRevisionsSince: dropLastAnswer }), ['batch'], "gave no answer for key 'key-2'"],
];

describe('runConformance with a broken plugin', () => {
  it.each(broken)('reports %s', async (_case, makePlugin, expectedFailures, fragment) => {
    const report = await runConformance(fixtureOptions(makePlugin(), 300));

    expect(failedChecks(report)).toEqual(expectedFailures);
    expect(report.failures.map((f) => f.message).join('\n')).toContain(fragment);
  });

  it.each([null, 42, 'static-list', {}])('reports a definition that is not a plugin (%p) without throwing', async (plugin) => {
    const report = await runConformance(fixtureOptions(plugin, 300));

    expect(failedChecks(report)).toContain('definition');
    expect(messageOf(report, 'latest-revision')).toContain('latestRevision is not a function');
    expect(report.passed).toEqual(expect.arrayContaining(['errors-classified', 'within-timeout']));
  });

  it('reports a definition made for another API version', async () => {
    const report = await runConformance(fixtureOptions({ ...staticListPlugin(), apiVersion: 2 }, 300));

    expect(failedChecks(report)).toEqual(['definition']);
    expect(messageOf(report, 'definition')).toContain('apiVersion is 2');
  });

  it('collects what the plugin logged', async () => {
    const logging = { ...staticListPlugin(), latestRevision: loggingLatest };

    const report = await runConformance(fixtureOptions(logging, 300));

    expect(report.failures).toEqual([]);
    expect(report.log).toContain('warn latestRevision: asked {"name":"left-pad"}');
  });
});

describe('runConformance with unusable options', () => {
  it.each([
    ['no packages', { packages: [] }, 'options.packages'],
    ['a repository that is a string', { repository: 'https://repo.example.org/' }, 'options.repository'],
    ['a zero timeout', { timeoutMs: 0 }, 'options.timeoutMs'],
  ])('throws a TypeError for %s', async (_case, override, fragment) => {
    const options = { ...fixtureOptions(staticListPlugin()), ...override } as ConformanceOptions;

    await expect(runConformance(options)).rejects.toThrow(fragment);
  });
});

function withLatest(change: (revision: PackageRevision) => Promise<unknown>): unknown {
  const good = staticListPlugin();
  return {
    ...good,
    async latestRevision(repo: Configuration, pkg: Configuration, ctx: PluginContext) {
      const { revision } = await good.latestRevision(repo, pkg, ctx);
      return revision ? change(revision) : { revision };
    },
  };
}

async function sameAgain(this: ReturnType<typeof staticListPlugin>, repo: Configuration, pkg: Configuration, _previous: PackageRevision, ctx: PluginContext) {
  return this.latestRevision(repo, pkg, ctx);
}

async function plainErrorOnFailure(this: unknown, repo: Configuration, pkg: Configuration, ctx: PluginContext) {
  try {
    return await staticListPlugin().latestRevision(repo, pkg, ctx);
  } catch (error) {
    if (error instanceof PermanentError) throw error;
    throw new Error('could not read the list');
  }
}

async function dropLastAnswer(repo: Configuration, items: BatchItem[], ctx: PluginContext): Promise<BatchAnswer[]> {
  const answers = await staticListPlugin().latestRevisionsSince!(repo, items, ctx);
  return answers.slice(0, -1);
}

async function loggingLatest(repo: Configuration, pkg: Configuration, ctx: PluginContext) {
  ctx.log.warn('asked', { name: pkg['NAME'] });
  return staticListPlugin().latestRevision(repo, pkg, ctx);
}
