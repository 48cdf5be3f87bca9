import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../security/secret-box';
import type { PipelineDefinition } from './definition';
import { definitionLookups } from './definition-lookups';
import { definitionErrors } from './definition-rules';
import { decryptVariable, encryptVariable } from './secure-environment';

const box = new SecretBox(randomBytes(32));

const upstream: PipelineDefinition = {
  name: 'build-app',
  materials: [{ package: { repository: 'epel', package: 'scrt' } }],
  stages: [{ name: 'package', jobs: [{ name: 'rpm', tasks: [{ exec: { command: 'true' } }] }] }],
};

/** Depends on app-release, so that app-release depending on it closes a cycle. */
const downstream: PipelineDefinition = {
  name: 'deploy-app',
  materials: [{ pipeline: 'app-release', stage: 'qa' }],
  stages: [{ name: 'deploy', jobs: [{ name: 'run', tasks: [{ exec: { command: 'true' } }] }] }],
};

function valid(): PipelineDefinition {
  return {
    name: 'app-release',
    label_template: '${COUNT}-${app}-${build-app[:7]}',
    materials: [
      { name: 'app', package: { repository: 'epel', package: 'scrt' } },
      { pipeline: 'build-app', stage: 'package' },
    ],
    environment: { REGION: 'eu-west-1' },
    secure_environment: { TOKEN: { encrypted_value: encryptVariable(box, 's3cret', 'app-release', 'TOKEN') } },
    timer: { spec: '0 0 22 * * 1-5', timezone: 'Europe/Paris', only_on_changes: true },
    overridable: ['REGION', 'TOKEN'],
    stages: [
      { name: 'qa', jobs: [{ name: 'smoke', tasks: [{ fetch_package: { material: 'app', destination: 'pkg' } }, { exec: { command: 'sh' } }] }] },
      { name: 'production', approval: { type: 'manual', roles: ['operator'] }, jobs: [{ name: 'deploy', tasks: [{ exec: { command: 'true' } }] }] },
    ],
  };
}

function errorsOf(definition: PipelineDefinition, others: PipelineDefinition[] = [upstream]) {
  const decrypts = (encrypted: string, pipeline: string, variable: string) => {
    try {
      decryptVariable(box, encrypted, pipeline, variable);
      return true;
    } catch {
      return false;
    }
  };
  const lookups = definitionLookups(
    [
      { name: 'epel', packages: ['scrt', 'curl'] },
      { name: 'empty', packages: [] },
    ],
    others,
    decrypts,
  );
  return definitionErrors(definition, lookups);
}

describe('definitionErrors', () => {
  it('accepts a definition that follows every rule', () => {
    expect(errorsOf(valid())).toEqual({});
  });

  it('accepts a definition that is being replaced by itself (an update)', () => {
    expect(errorsOf(valid(), [upstream, valid(), downstream])).toEqual({});
  });

  it.each<[string, (d: PipelineDefinition) => void, string, string]>([
    [
      'an unknown repository',
      (d) => (d.materials[0] = { name: 'app', package: { repository: 'nope', package: 'scrt' } }),
      'materials[0].package',
      "no repository named 'nope'",
    ],
    [
      'a repository differing in case',
      (d) => (d.materials[0] = { name: 'app', package: { repository: 'EPEL', package: 'scrt' } }),
      'materials[0].package',
      "did you mean 'epel'",
    ],
    [
      'an unknown package',
      (d) => (d.materials[0] = { name: 'app', package: { repository: 'epel', package: 'zsh' } }),
      'materials[0].package',
      "has no package named 'zsh'",
    ],
    [
      'the same package twice',
      (d) => d.materials.push({ name: 'again', package: { repository: 'epel', package: 'scrt' } }),
      'materials[2].package',
      'already material materials[0]',
    ],
    [
      'an unknown upstream pipeline',
      (d) => (d.materials[1] = { name: 'build-app', pipeline: 'nope', stage: 'package' }),
      'materials[1].pipeline',
      "no pipeline named 'nope'",
    ],
    ['an unknown upstream stage', (d) => (d.materials[1] = { pipeline: 'build-app', stage: 'ship' }), 'materials[1].stage', "has no stage named 'ship'"],
    [
      'a dependency on itself',
      (d) => (d.materials[1] = { name: 'build-app', pipeline: 'app-release', stage: 'qa' }),
      'materials[1].pipeline',
      'cannot depend on itself',
    ],
    [
      'a cycle through another pipeline',
      (d) => d.materials.push({ pipeline: 'deploy-app', stage: 'deploy' }),
      'materials[2].pipeline',
      'app-release → deploy-app → app-release',
    ],
    [
      'a duplicate material name',
      (d) => d.materials.push({ name: 'app', package: { repository: 'epel', package: 'curl' } }),
      'materials[2].name',
      "'app' is already used by materials[0]",
    ],
    [
      'a duplicate default material name',
      (d) => d.materials.push({ name: 'build-app', package: { repository: 'epel', package: 'curl' } }),
      'materials[2].name',
      'already used by materials[1]',
    ],
    [
      'material names with one environment prefix',
      (d) => d.materials.push({ name: 'build_app', package: { repository: 'epel', package: 'curl' } }),
      'materials[2].name',
      'both become BUILD_APP',
    ],
    [
      'material names differing only in case',
      (d) => d.materials.push({ name: 'APP', package: { repository: 'epel', package: 'curl' } }),
      'materials[2].name',
      'both become APP',
    ],
    ['a duplicate stage name', (d) => d.stages.push({ ...d.stages[0], name: 'QA' }), 'stages[2].name', 'already used by stages[0]'],
    [
      'a duplicate job name in a stage',
      (d) => d.stages[1].jobs.push({ name: 'deploy', tasks: [{ exec: { command: 'true' } }] }),
      'stages[1].jobs[1].name',
      "job name 'deploy'",
    ],
    ['a label token naming no material', (d) => (d.label_template = '${COUNT}-${nope}'), 'label_template', '${nope} names no material'],
    ['a malformed label token', (d) => (d.label_template = '${COUNT}-${app[7]}'), 'label_template', '${app[7]} is not a token'],
    ['a label token keeping no characters', (d) => (d.label_template = '${app[:0]}'), 'label_template', 'N must be at least 1'],
    ['an unclosed label token', (d) => (d.label_template = '${COUNT}-${app'), 'label_template', 'not closed'],
    ['a lower-case count token', (d) => (d.label_template = '${count}'), 'label_template', '${count} names no material'],
    [
      'fetch_package of an unknown material',
      (d) => (d.stages[0].jobs[0].tasks[0] = { fetch_package: { material: 'nope' } }),
      'stages[0].jobs[0].tasks[0].fetch_package.material',
      "no material named 'nope'",
    ],
    [
      'fetch_package of an upstream pipeline',
      (d) => (d.stages[0].jobs[0].tasks[0] = { fetch_package: { material: 'build-app' } }),
      'stages[0].jobs[0].tasks[0].fetch_package.material',
      "'build-app' is an upstream pipeline, not a package material; fetch a package its runs carry as build-app/epel_scrt",
    ],
    [
      'fetch_package of an unknown material, naming the packages upstream runs bring',
      (d) => (d.stages[0].jobs[0].tasks[0] = { fetch_package: { material: 'scrt' } }),
      'stages[0].jobs[0].tasks[0].fetch_package.material',
      "no material named 'scrt' (materials: app, build-app; packages that come with upstream runs: build-app/epel_scrt)",
    ],
    [
      'fetch_package of a package an upstream does not carry',
      (d) => (d.stages[0].jobs[0].tasks[0] = { fetch_package: { material: 'build-app/scrt' } }),
      'stages[0].jobs[0].tasks[0].fetch_package.material',
      "pipeline 'build-app' carries no package named 'scrt' (packages that come with its runs: build-app/epel_scrt)",
    ],
    [
      'fetch_package through a pipeline that is not upstream',
      (d) => (d.stages[0].jobs[0].tasks[0] = { fetch_package: { material: 'deploy-app/app' } }),
      'stages[0].jobs[0].tasks[0].fetch_package.material',
      "'deploy-app' is not an upstream pipeline of this pipeline (its upstream pipelines: build-app)",
    ],
    [
      'fetch_package through an upstream when there is none',
      (d) => {
        d.materials = [d.materials[0]];
        d.label_template = '${COUNT}';
        d.stages[0].jobs[0].tasks[0] = { fetch_package: { material: 'build-app/epel_scrt' } };
      },
      'stages[0].jobs[0].tasks[0].fetch_package.material',
      "'build-app' is not an upstream pipeline of this pipeline (it has none)",
    ],
    ['a timer spec cron rejects', (d) => (d.timer = { spec: '0 0 25 * * *' }), 'timer.spec', 'not a valid cron expression'],
    ['a timer spec that is not cron at all', (d) => (d.timer = { spec: 'every night' }), 'timer.spec', 'not a valid cron expression'],
    ['an unknown time zone', (d) => (d.timer = { spec: '0 0 22 * * *', timezone: 'Mars/Olympus' }), 'timer.timezone', 'not a known time zone'],
    [
      'a secure value of another pipeline',
      (d) => (d.secure_environment = { TOKEN: { encrypted_value: encryptVariable(box, 'x', 'build-app', 'TOKEN') } }),
      'secure_environment.TOKEN',
      'does not decrypt',
    ],
    [
      'a secure value of another variable',
      (d) => (d.secure_environment = { TOKEN: { encrypted_value: encryptVariable(box, 'x', 'app-release', 'OTHER') } }),
      'secure_environment.TOKEN',
      'does not decrypt',
    ],
    [
      'a protected name the pipeline lets triggers override',
      (d) => (d.overridable = ['REGION', 'BASH_ENV']),
      'overridable[1]',
      'BASH_ENV can never be overridden',
    ],
    [
      'a protected name a job lets triggers override',
      (d) => (d.stages[1].jobs[0].overridable = ['go_trigger_user']),
      'stages[1].jobs[0].overridable[0]',
      'go_trigger_user can never be overridden',
    ],
    [
      'a secure value that is not one',
      (d) => (d.secure_environment = { TOKEN: { encrypted_value: 'plain text' } }),
      'secure_environment.TOKEN',
      'POST /api/encrypt',
    ],
  ])('refuses %s', (_case, change, path, message) => {
    const definition = valid();
    change(definition);

    const errors = errorsOf(definition, [upstream, downstream]);

    expect(Object.keys(errors)).toEqual([path]);
    expect(errors[path].join(' ')).toContain(message);
  });

  it('accepts fetch_package of a package that comes with an upstream run, through every level', () => {
    const definition = valid();
    definition.stages[0].jobs[0].tasks[0] = { fetch_package: { material: 'build-app/epel_scrt' } };
    const ship: PipelineDefinition = {
      name: 'ship',
      materials: [{ pipeline: 'app-release', stage: 'qa' }],
      stages: [
        {
          name: 'deploy',
          jobs: [{ name: 'run', tasks: [{ fetch_package: { material: 'app-release/app' } }, { fetch_package: { material: 'app-release/epel_scrt' } }] }],
        },
      ],
    };

    expect(errorsOf(definition)).toEqual({});
    expect(errorsOf(ship, [upstream, valid()])).toEqual({});
  });

  it('refuses a secure value encrypted for no particular pipeline', () => {
    const anywhere = box.encrypt('x', { resourceType: 'pipeline', resourceId: '*', key: '*' });
    const definition = { ...valid(), secure_environment: { TOKEN: { encrypted_value: anywhere } } };

    expect(Object.keys(errorsOf(definition))).toEqual(['secure_environment.TOKEN']);
  });

  it('refuses dropping a stage another pipeline depends on', () => {
    const definition = valid();
    definition.stages = [definition.stages[1]];
    definition.stages[0].jobs[0].tasks = [{ exec: { command: 'true' } }];

    const errors = errorsOf(definition, [upstream, downstream]);

    expect(errors).toEqual({ stages: ["stage 'qa' is used by pipeline 'deploy-app'"] });
  });

  it('reports every broken rule at once, each at its own path', () => {
    const definition = valid();
    definition.materials[0] = { name: 'app', package: { repository: 'nope', package: 'scrt' } };
    definition.label_template = '${x}';
    definition.timer = { spec: 'x' };

    const errors = errorsOf(definition);

    expect(Object.keys(errors).sort()).toEqual(['label_template', 'materials[0].package', 'timer.spec']);
  });
});
