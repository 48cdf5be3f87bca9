import Ajv2020 from 'ajv/dist/2020';
import { Type } from '@sinclair/typebox';
import { OneOf } from '../../schema-components';
import { schemaFieldErrors } from '../../schema-field-errors';
import { shapeErrors } from './definition-shape';

/** A valid definition with one part replaced. */
function withPart(change: (d: Record<string, any>) => void): Record<string, any> {
  const definition: Record<string, any> = {
    name: 'app-release',
    materials: [{ name: 'app', package: { repository: 'epel', package: 'scrt' } }],
    stages: [{ name: 'qa', jobs: [{ name: 'smoke', tasks: [{ exec: { command: 'true' } }] }] }],
  };
  change(definition);
  return definition;
}

const TASK = 'stages[0].jobs[0].tasks[0]';

describe('shapeErrors: what a definition of the wrong shape is told', () => {
  it('names the approval types when the type is not one of them, and nothing else', () => {
    const errors = shapeErrors(withPart((d) => (d.stages[0].approval = { type: 'automatic' })));

    expect(Object.keys(errors)).toEqual(['stages[0].approval.type']);
    expect(errors['stages[0].approval.type']).toEqual(["'automatic' is not a known approval type; the approval types are success, manual"]);
  });

  it('judges an approval by the type it names: a success approval takes no roles', () => {
    const errors = shapeErrors(withPart((d) => (d.stages[0].approval = { type: 'success', roles: ['admin'] })));

    expect(errors).toEqual({ 'stages[0].approval.roles': ['roles is not a known field'] });
  });

  it('says an approval without a type needs one, naming the types', () => {
    const errors = shapeErrors(withPart((d) => (d.stages[0].approval = { users: ['ann'] })));

    expect(errors['stages[0].approval.type']).toEqual(['type is required: one of success, manual']);
  });

  it.each([
    [
      'a shell task',
      { shell: { command: 'ls' } },
      'it has shell',
      'the nearest, exec, takes command (required), arguments, working_directory, timeout_seconds',
    ],
    ['a fetch task', { fetch: { material: 'app' } }, 'it has fetch', 'the nearest, fetch_package, takes material (required), destination'],
    ['a request task', { request: { url: 'http://deploy.example.org', method: 'POST' } }, 'it has request', 'the nearest, http, takes'],
    ['an empty task', {}, 'it is empty', 'the nearest, '],
  ])('names the task types and the keys of the nearest one for %s, in one message', (_case, task, has, nearest) => {
    const errors = shapeErrors(withPart((d) => (d.stages[0].jobs[0].tasks[0] = task)));

    expect(Object.keys(errors)).toEqual([TASK]);
    expect(errors[TASK]).toHaveLength(1);
    expect(errors[TASK][0]).toContain(`is not a known task: ${has}, and a task is one of exec, fetch_package, http`);
    expect(errors[TASK][0]).toContain(nearest);
  });

  it('judges a task by the type it names, and refuses one that names two', () => {
    const wrong = shapeErrors(withPart((d) => (d.stages[0].jobs[0].tasks[0] = { exec: { cmd: 'ls' } })));
    const two = shapeErrors(withPart((d) => (d.stages[0].jobs[0].tasks[0] = { exec: { command: 'ls' }, http: { url: 'http://x.example.org' } })));

    expect(wrong).toEqual({ [`${TASK}.exec.command`]: ['command is required'], [`${TASK}.exec.cmd`]: ['cmd is not a known field'] });
    expect(two).toEqual({ [TASK]: ['a task is exactly one of exec, fetch_package, http; this one has exec and http'] });
  });

  it('judges a material by what it names: an upstream pipeline needs its stage', () => {
    const upstream = shapeErrors(withPart((d) => (d.materials[0] = { pipeline: 'build' })));
    const neither = shapeErrors(withPart((d) => (d.materials[0] = { name: 'app' })));

    expect(upstream).toEqual({ 'materials[0].stage': ['stage is required'] });
    expect(neither['materials[0]'][0]).toContain('is not a known material: it has name, and a material is one of package, pipeline + stage');
  });

  it('still reports a value that is not an object once', () => {
    expect(shapeErrors(withPart((d) => (d.stages[0].approval = 'manual')))).toEqual({ 'stages[0].approval': ['must be object'] });
  });
});

describe('schemaFieldErrors on alternatives without a title', () => {
  const validate = new Ajv2020({ strict: false, allErrors: true, verbose: true }).compile(
    Type.Object({
      entry: OneOf([
        Type.Object({ key: Type.String(), value: Type.String() }, { additionalProperties: false }),
        Type.Object({ key: Type.String(), encrypted_value: Type.String() }, { additionalProperties: false }),
      ]),
    }),
  );

  it('names the alternatives by their own members, and the nearest by the keys given', () => {
    validate({ entry: { key: 'TOKEN', encrypted: 'x' } });

    const errors = schemaFieldErrors(validate.errors ?? []);

    expect(errors).toEqual({
      entry: [
        'is not a known value: it has key, encrypted, and a value is one of value, encrypted_value; the nearest, encrypted_value, takes key (required), encrypted_value (required)',
      ],
    });
  });
});
