import type { PipelineDefinition } from './definition';
import { definitionLookups } from './definition-lookups';
import { namedThroughUpstreams, packagesSeenBy, type SeenPackage } from './upstream-package-names';

const named = (own: SeenPackage[], upstreams: { pipeline: string; packages: SeenPackage[] }[]) =>
  namedThroughUpstreams(own, upstreams, (p) => p).map((e) => `${e.upstream}/${e.upstreamName} → ${e.name}`);

describe('namedThroughUpstreams', () => {
  it.each<[string, SeenPackage[], { pipeline: string; packages: SeenPackage[] }[], string[]]>([
    ['keeps the upstream’s name when nothing else has it', [], [{ pipeline: 'qa', packages: [{ name: 'app', key: 'p1' }] }], ['qa/app → app']],
    [
      'qualifies every package of one name that two upstreams bring',
      [],
      [
        { pipeline: 'build-web', packages: [{ name: 'app', key: 'p1' }] },
        { pipeline: 'build-api', packages: [{ name: 'app', key: 'p2' }] },
      ],
      ['build-web/app → build-web/app', 'build-api/app → build-api/app'],
    ],
    [
      'compares names as environment prefixes',
      [],
      [
        { pipeline: 'a', packages: [{ name: 'my-app', key: 'p1' }] },
        { pipeline: 'b', packages: [{ name: 'my_app', key: 'p2' }] },
      ],
      ['a/my-app → a/my-app', 'b/my_app → b/my_app'],
    ],
    [
      'qualifies an upstream’s package that has the name of one of the pipeline’s own, which keeps it',
      [{ name: 'app', key: 'p9' }],
      [{ pipeline: 'qa', packages: [{ name: 'app', key: 'p1' }] }],
      ['qa/app → qa/app'],
    ],
    [
      'does not qualify one package that comes by two paths under one name',
      [{ name: 'app', key: 'p1' }],
      [
        { pipeline: 'left', packages: [{ name: 'app', key: 'p1' }] },
        { pipeline: 'right', packages: [{ name: 'app', key: 'p1' }] },
      ],
      ['left/app → app', 'right/app → app'],
    ],
    [
      'lists a package once per upstream pipeline and name',
      [],
      [
        { pipeline: 'qa', packages: [{ name: 'app', key: 'p1' }] },
        { pipeline: 'qa', packages: [{ name: 'app', key: 'p1' }] },
      ],
      ['qa/app → app'],
    ],
  ])('%s', (_case, own, upstreams, expected) => {
    expect(named(own, upstreams)).toEqual(expected);
  });
});

describe('packagesSeenBy', () => {
  const pipeline = (name: string, materials: PipelineDefinition['materials']): PipelineDefinition => ({
    name,
    materials,
    stages: [{ name: 'pass', jobs: [{ name: 'run', tasks: [{ exec: { command: 'true' } }] }] }],
  });
  const definitions = [
    pipeline('build-web', [{ name: 'app', package: { repository: 'web', package: 'app' } }]),
    pipeline('build-api', [{ name: 'app', package: { repository: 'api', package: 'app' } }]),
    pipeline('qa', [{ pipeline: 'build-web', stage: 'pass' }]),
    pipeline('bundle', [
      { pipeline: 'qa', stage: 'pass' },
      { pipeline: 'build-api', stage: 'pass' },
    ]),
  ];
  const lookups = definitionLookups([], definitions, () => true);
  const seen = (name: string) =>
    packagesSeenBy(
      definitions.find((d) => d.name === name)!,
      lookups,
    ).throughUpstreams.map((e) => `${e.upstream}/${e.upstreamName} → ${e.name}`);

  it('passes packages on through every level under the name their own pipeline gives them', () => {
    expect(seen('qa')).toEqual(['build-web/app → app']);
  });

  it('qualifies the packages of one name that come through two upstreams, however far they come from', () => {
    expect(seen('bundle')).toEqual(['qa/app → qa/app', 'build-api/app → build-api/app']);
  });

  it('passes qualified names on, as the upstream’s jobs saw them', () => {
    const release = pipeline('release', [{ pipeline: 'bundle', stage: 'pass' }]);

    const found = packagesSeenBy(
      release,
      definitionLookups([], [...definitions, release], () => true),
    ).throughUpstreams;

    expect(found.map((e) => `${e.upstream}/${e.upstreamName} → ${e.name}`)).toEqual(['bundle/qa/app → qa/app', 'bundle/build-api/app → build-api/app']);
  });

  it('stops at a cycle instead of walking it forever', () => {
    const looping = [
      pipeline('a', [{ pipeline: 'b', stage: 'pass' }]),
      pipeline('b', [
        { name: 'x', package: { repository: 'r', package: 'x' } },
        { pipeline: 'a', stage: 'pass' },
      ]),
    ];

    const found = packagesSeenBy(
      looping[0],
      definitionLookups([], looping, () => true),
    ).throughUpstreams;

    expect(found.map((e) => e.name)).toEqual(['x']);
  });
});
