import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { describeConformance, type ConformanceOptions } from '../src/testing';
import { FIXTURES, closedPortUrl, startFixtureServer, type FixtureServer } from './support/fixture-server';
import { staticListPlugin } from './support/static-list-plugin';

let server: FixtureServer;
let unreachable: string;

beforeAll(async () => {
  server = await startFixtureServer();
  unreachable = await closedPortUrl('/versions.json');
});

afterAll(() => server.close());

describeConformance('static-list plugin over http (options read once the server listens)', () => ({
  plugin: staticListPlugin(),
  repository: { URL: `${server.url}/versions.json` },
  packages: [{ NAME: 'left-pad' }, { NAME: 'right-pad' }],
  missingPackage: { NAME: 'no-such-package' },
  unreachableRepository: { URL: unreachable },
}));

describeConformance('static-list plugin over file: URLs', {
  plugin: staticListPlugin(),
  repository: { URL: pathToFileURL(join(FIXTURES, 'versions.json')).href },
  packages: [{ NAME: 'left-pad', PREFIX: '1.' }],
  missingPackage: { NAME: 'no-such-package' },
  unreachableRepository: { URL: pathToFileURL(join(FIXTURES, 'no-such-file.json')).href },
});

type Body = () => Promise<void> | void;

/** Runs describeConformance against recording stand-ins for jest's globals, then runs what it defined. */
async function defineAndRun(options: ConformanceOptions): Promise<{ names: string[]; errors: Map<string, string>; budget: number | undefined }> {
  const g = globalThis as unknown as Record<'describe' | 'it' | 'beforeAll', unknown>;
  const saved = { describe: g.describe, it: g.it, beforeAll: g.beforeAll };
  const tests: [string, Body][] = [];
  const setups: [Body, number | undefined][] = [];
  g.describe = (_name: string, body: () => void) => body();
  g.it = (name: string, body: Body) => tests.push([name, body]);
  g.beforeAll = (body: Body, timeout?: number) => setups.push([body, timeout]);
  try {
    describeConformance('recorded', options);
  } finally {
    Object.assign(g, saved);
  }
  for (const [setup] of setups) await setup();
  const errors = new Map<string, string>();
  for (const [name, body] of tests) {
    await Promise.resolve()
      .then(body)
      .catch((error: Error) => errors.set(name, error.message));
  }
  return { names: tests.map(([name]) => name), errors, budget: setups[0]?.[1] };
}

describe('describeConformance', () => {
  it('defines one test per applicable check, failing only the broken one with its message', async () => {
    const options = { plugin: { ...staticListPlugin(), id: 'Bad' }, repository: { URL: `${server.url}/versions.json` }, packages: [{ NAME: 'left-pad' }] };

    const { names, errors, budget } = await defineAndRun(options);

    expect(names.map((n) => n.split(':')[0])).toEqual([
      'definition',
      'required-properties',
      'valid-configuration',
      'repository-connection',
      'package-connection',
      'latest-revision',
      'nothing-newer-than-latest',
      'batch',
      'errors-classified',
      'within-timeout',
    ]);
    expect([...errors.keys()].map((n) => n.split(':')[0])).toEqual(['definition']);
    expect([...errors.values()][0]).toContain('id must match');
    expect(budget).toBeGreaterThan(10_000);
  });

  it('fails every test with the reason when the options are unusable', async () => {
    const { names, errors } = await defineAndRun({ plugin: staticListPlugin(), repository: { URL: server.url }, packages: [] });

    expect(errors.size).toBe(names.length);
    expect([...errors.values()][0]).toContain('options.packages');
  });

  it('says what it needs when the jest globals are missing', () => {
    const g = globalThis as unknown as Record<string, unknown>;
    const saved = g['beforeAll'];
    delete g['beforeAll'];

    try {
      expect(() => describeConformance('no jest', { plugin: null, repository: {}, packages: [{}] })).toThrow('needs the jest globals');
    } finally {
      g['beforeAll'] = saved;
    }
  });
});
