import { randomUUID } from 'node:crypto';
import type { PipelineDefinition } from '../definitions/definition';
import { definitionLookups } from '../definitions/definition-lookups';
import type { StoredPipeline } from '../definitions/pipeline-store';
import { planConfig } from './config-file-plan';
import type { ConfigFileContent } from './config-file-reader';

function definition(name: string, upstream?: string): PipelineDefinition {
  return {
    name,
    materials: [upstream ? { pipeline: upstream, stage: 'qa' } : { package: { repository: 'epel', package: 'scrt' } }],
    stages: [{ name: 'qa', jobs: [{ name: 'smoke', tasks: [{ exec: { command: 'true' } }] }] }],
  };
}

function file(name: string, ...documents: unknown[]): ConfigFileContent {
  return { file: name, hash: name, documents, errors: null };
}

function stored(def: PipelineDefinition, sourceFile: string | null): StoredPipeline {
  const at = new Date(0);
  return { id: randomUUID(), name: def.name, definition: def, source: sourceFile ? 'file' : 'api', sourceFile, configVersion: 1, createdAt: at, updatedAt: at };
}

const lookupsFor = (definitions: readonly PipelineDefinition[]) => definitionLookups([{ name: 'epel', packages: ['scrt'] }], definitions, () => true);

function plan(files: ConfigFileContent[], rows: StoredPipeline[] = []) {
  const result = planConfig(files, rows, lookupsFor);
  return {
    upserts: result.upserts.map((u) => `${u.file}:${u.definition.name}`),
    removals: result.removals.map((r) => `${r.file}:${r.name}`),
    reports: Object.fromEntries(result.reports.map((r) => [r.file, { errors: r.errors, pipelines: r.pipelines }])),
  };
}

describe('planConfig', () => {
  it('brings in the pipelines of valid files, in any order of dependence', () => {
    const result = plan([file('a.yaml', definition('down', 'up')), file('b.yaml', definition('up'))]);

    expect(result.upserts).toEqual(['a.yaml:down', 'b.yaml:up']);
    expect(result.reports).toEqual({ 'a.yaml': { errors: null, pipelines: ['down'] }, 'b.yaml': { errors: null, pipelines: ['up'] } });
  });

  it('keeps the last good version of a file that fails, and checks others against it', () => {
    const lastGood = stored(definition('up'), 'b.yaml');
    const broken = {
      ...definition('up'),
      stages: [{ ...definition('up').stages[0], name: 'renamed' }],
      materials: [{ package: { repository: 'epel', package: 'nope' } }],
    };

    const result = plan([file('a.yaml', definition('down', 'up')), file('b.yaml', broken)], [lastGood]);

    expect(result.upserts).toEqual(['a.yaml:down']);
    expect(result.removals).toEqual([]);
    expect(result.reports['b.yaml']).toEqual({
      errors: { 'materials[0].package': ["repository 'epel' has no package named 'nope'"], stages: ["stage 'qa' is used by pipeline 'down'"] },
      pipelines: ['up'],
    });
  });

  it('refuses a file whose pipeline depends on one a failing file does not have yet', () => {
    const result = plan([file('a.yaml', definition('down', 'up')), file('b.yaml', { name: 'up' })]);

    expect(result.upserts).toEqual([]);
    expect(Object.keys(result.reports['a.yaml'].errors!)).toEqual(['materials[0].pipeline']);
    expect(Object.keys(result.reports['b.yaml'].errors!)).toEqual(['materials', 'stages']);
  });

  it('removes the pipelines of a deleted file and those a file no longer declares', () => {
    const rows = [stored(definition('gone'), 'gone.yaml'), stored(definition('dropped'), 'a.yaml'), stored(definition('kept'), 'a.yaml')];

    const result = plan([file('a.yaml', definition('kept'))], rows);

    expect(result.removals.sort()).toEqual(['a.yaml:dropped', 'gone.yaml:gone']);
    expect(result.reports).toEqual({ 'a.yaml': { errors: null, pipelines: ['kept'] } });
  });

  it('keeps a pipeline of a deleted file that another pipeline depends on, and says why', () => {
    const rows = [stored(definition('needed'), 'gone.yaml'), stored(definition('needs-it', 'needed'), null)];

    const result = plan([], rows);

    expect(result.removals).toEqual([]);
    expect(result.reports['gone.yaml'].pipelines).toEqual(['needed']);
    expect(result.reports['gone.yaml'].errors!['pipelines'][0]).toContain("the file was deleted, but pipeline(s) 'needs-it' depend on 'needed'");
  });

  it('removes pipelines that leave together even when they depend on each other', () => {
    const rows = [stored(definition('up'), 'gone.yaml'), stored(definition('down', 'up'), 'gone.yaml')];

    expect(plan([], rows).removals.sort()).toEqual(['gone.yaml:down', 'gone.yaml:up']);
  });

  it.each<[string, ConfigFileContent[], StoredPipeline[], string, string, string]>([
    ['a name taken over the API', [file('a.yaml', definition('taken'))], [stored(definition('Taken'), null)], 'a.yaml', 'name', 'managed over the API'],
    [
      'a name another file holds',
      [file('a.yaml', definition('x')), file('b.yaml', definition('x'))],
      [stored(definition('x'), 'b.yaml')],
      'a.yaml',
      'name',
      "defined in file 'b.yaml'",
    ],
    ['a name two new files declare', [file('a.yaml', definition('x')), file('b.yaml', definition('X'))], [], 'b.yaml', 'name', "defined in file 'a.yaml'"],
    ['one name twice in a stream', [file('a.yaml', definition('x'), definition('x'))], [], 'a.yaml', 'documents[1].name', 'already defined by documents[0]'],
    ['a schema error in a stream', [file('a.yaml', definition('x'), { name: 'y' })], [], 'a.yaml', 'documents[1].materials', 'materials is required'],
    [
      'a rule error in a stream',
      [file('a.yaml', definition('x'), definition('y', 'nowhere'))],
      [],
      'a.yaml',
      'documents[1].materials[0].pipeline',
      "no pipeline named 'nowhere'",
    ],
  ])('refuses %s, on the file', (_case, files, rows, failing, path, message) => {
    const result = plan(files, rows);

    expect(result.upserts.some((u) => u.startsWith(`${failing}:`))).toBe(false);
    expect(result.reports[failing].errors![path].join(' ')).toContain(message);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])(
    'refuses a document with a top-level %s key on its file, and applies the others',
    (key) => {
      // As YAML and JSON parsers give it: an own property, whatever its name.
      const odd = Object.defineProperty({ ...definition('odd') }, key, { value: { name: 'x' }, enumerable: true });

      const result = plan([file('a.yaml', odd), file('b.yaml', definition('fine'))]);

      expect(result.upserts).toEqual(['b.yaml:fine']);
      expect(Object.entries(result.reports['a.yaml'].errors!)).toEqual([[key, [`${key} is not a known field`]]]);
    },
  );

  it.each(['constructor', 'toString', '__proto__'])('checks pipelines, stages, jobs, materials and variables named %s like any other', (name) => {
    const named: PipelineDefinition = {
      name,
      label_template: `\${COUNT}-\${${name}}`,
      materials: [{ name, package: { repository: 'epel', package: 'scrt' } }],
      environment: Object.defineProperty({}, name, { value: 'v', enumerable: true }),
      stages: [{ name, jobs: [{ name, tasks: [{ fetch_package: { material: name, destination: 'pkg' } }] }] }],
    };

    const result = plan([file('a.yaml', named), file('b.yaml', definition('down', name))]);

    expect(result.upserts).toEqual([`a.yaml:${name}`]);
    expect(Object.keys(result.reports['b.yaml'].errors!)).toEqual(['materials[0].stage']);
  });

  it("makes a check that throws on one file that file's error, and applies the others", () => {
    const lookups = (definitions: readonly PipelineDefinition[]) => ({
      ...lookupsFor(definitions),
      repository: (name: string) => {
        if (name === 'broken') throw new Error('the lookup failed');
        return lookupsFor(definitions).repository(name);
      },
    });
    const broken = { ...definition('odd'), materials: [{ package: { repository: 'broken', package: 'x' } }] };

    const result = planConfig([file('a.yaml', broken), file('b.yaml', definition('fine'))], [], lookups);

    expect(result.upserts.map((u) => u.definition.name)).toEqual(['fine']);
    expect(result.reports.find((r) => r.file === 'a.yaml')!.errors).toEqual({ body: ['this document could not be checked: the lookup failed'] });
  });

  it('passes on reading errors, and keeps the last good version', () => {
    const unreadable: ConfigFileContent = { file: 'a.yaml', hash: '', documents: [], errors: { yaml: ['bad indentation'] } };

    const result = plan([unreadable], [stored(definition('x'), 'a.yaml')]);

    expect(result.removals).toEqual([]);
    expect(result.reports['a.yaml']).toEqual({ errors: { yaml: ['bad indentation'] }, pipelines: ['x'] });
  });
});
