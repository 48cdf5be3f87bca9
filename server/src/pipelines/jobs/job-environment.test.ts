import { randomBytes } from 'node:crypto';
import type { PackageMaterialConfiguration } from '../../materials/material-reader';
import { SecretBox } from '../../security/secret-box';
import type { PipelineDefinition } from '../definitions/definition';
import { jobEnvironment, UnreadableVariable, type JobEnvironmentInput } from './job-environment';
import type { PackageMaterialRevision, UpstreamPackageRevision } from '../runs/run-model';
import { encryptVariable } from '../definitions/secure-environment';

const box = new SecretBox(randomBytes(32));

const material: PackageMaterialRevision = {
  type: 'package',
  name: 'epel_scrt-tools.x',
  repository_id: 'r1',
  repository_name: 'epel',
  package_id: 'p1',
  package_name: 'scrt',
  revision_id: 1,
  revision: 'scrt-1.0-1',
  data: { LOCATION: 'http://repo.example.org/scrt-1.0-1.rpm', PACKAGE_SPEC: 'from-data' },
  via_upstream: false,
  changed: true,
};

const configuration: PackageMaterialConfiguration = {
  repositoryId: 'r1',
  repositoryName: 'epel',
  pluginId: 'yum',
  repository: { values: { REPO_URL: 'http://repo.example.org/', PASSWORD: 'repo-secret' }, secureKeys: ['PASSWORD'] },
  packageId: 'p1',
  packageName: 'scrt',
  package: { values: { PACKAGE_SPEC: 'scrt-*', TOKEN: 'pkg-secret' }, secureKeys: ['TOKEN'] },
  fetchCredentials: null,
};

function input(overrides: Partial<JobEnvironmentInput> = {}): JobEnvironmentInput {
  const definition: PipelineDefinition = {
    name: 'rel',
    materials: [],
    environment: { A: 'pipeline', B: 'pipeline', C: 'pipeline' },
    secure_environment: { S: { encrypted_value: encryptVariable(box, 'var-secret', 'rel', 'S') } },
    overridable: ['C'],
    stages: [],
  };
  return {
    pipeline: 'rel',
    counter: 4,
    label: '4-x',
    triggeredBy: 'alice',
    definition,
    buildCause: { trigger: { kind: 'manual', by: 'alice', message: '' }, materials: [material] },
    environmentOverrides: { C: 'override' },
    stage: { name: 'qa', counter: 2 },
    job: { name: 'smoke', environment: { B: 'job', C: 'job' }, tasks: [] },
    packages: new Map([['p1', configuration]]),
    ...overrides,
  };
}

describe('jobEnvironment', () => {
  it('names a material’s variables by its environment prefix', () => {
    const { environment } = jobEnvironment(input(), box);

    expect(environment).toMatchObject({
      GO_PACKAGE_EPEL_SCRT_TOOLS_X_LABEL: 'scrt-1.0-1',
      GO_PACKAGE_EPEL_SCRT_TOOLS_X_LOCATION: 'http://repo.example.org/scrt-1.0-1.rpm',
      GO_REPO_EPEL_SCRT_TOOLS_X_REPO_URL: 'http://repo.example.org/',
      GO_REPO_EPEL_SCRT_TOOLS_X_PASSWORD: 'repo-secret',
      GO_PACKAGE_EPEL_SCRT_TOOLS_X_TOKEN: 'pkg-secret',
      GO_STAGE_COUNTER: '2',
      GO_TRIGGER_USER: 'alice',
    });
  });

  it('lets revision data win over package properties, and later variables over earlier ones', () => {
    const { environment } = jobEnvironment(input(), box);

    expect(environment['GO_PACKAGE_EPEL_SCRT_TOOLS_X_PACKAGE_SPEC']).toBe('from-data');
    expect([environment['A'], environment['B'], environment['C'], environment['S']]).toEqual(['pipeline', 'job', 'override', 'var-secret']);
  });

  it('lists secure repository, package and pipeline values as secrets', () => {
    expect(jobEnvironment(input(), box).secrets.sort()).toEqual(['pkg-secret', 'repo-secret', 'var-secret']);
  });

  it('still gives the label and revision data of a package that no longer exists', () => {
    const { environment, secrets } = jobEnvironment(input({ packages: new Map([['p1', null]]) }), box);

    expect(environment['GO_PACKAGE_EPEL_SCRT_TOOLS_X_LABEL']).toBe('scrt-1.0-1');
    expect(environment['GO_REPO_EPEL_SCRT_TOOLS_X_REPO_URL']).toBeUndefined();
    expect(secrets).toEqual(['var-secret']);
  });

  it('applies an override only where the pipeline or the job lists it', () => {
    const definition = { ...input().definition, overridable: ['A'] };
    const job = { name: 'smoke', environment: { B: 'job' }, overridable: ['B'], tasks: [] };
    const overrides = { A: 'override-a', B: 'override-b', C: 'override-c' };

    const listing = jobEnvironment(input({ definition, job, environmentOverrides: overrides }), box).environment;
    const other = jobEnvironment(input({ definition, job: { ...job, overridable: [] }, environmentOverrides: overrides }), box).environment;

    expect([listing['A'], listing['B'], listing['C']]).toEqual(['override-a', 'override-b', 'pipeline']);
    expect([other['A'], other['B'], other['C']]).toEqual(['override-a', 'job', 'pipeline']);
  });

  it.each([
    'GO_TRIGGER_USER',
    'GO_PACKAGE_EPEL_SCRT_TOOLS_X_LABEL',
    'PATH',
    'HOME',
    'BASH_ENV',
    'LD_PRELOAD',
    'ld_preload',
    'NODE_OPTIONS',
    'PYTHONPATH',
    'PERL5OPT',
    'RUBYOPT',
    'ENV',
    'IFS',
  ])('never lets an override replace %s, even when the stored definition lists it', (name) => {
    const definition = { ...input().definition, environment: {}, overridable: [name] };
    const job = { name: 'smoke', overridable: [name], tasks: [] };

    const { environment } = jobEnvironment(input({ definition, job, environmentOverrides: { [name]: 'forged' } }), box);

    expect(environment[name]).not.toBe('forged');
  });

  it('masks an override of a secure variable, whether stored encrypted or not', () => {
    const definition = { ...input().definition, overridable: ['S', 'T'] };
    const overrides = { S: 'plain-replacement', T: { encrypted_value: encryptVariable(box, 'encrypted-replacement', 'rel', 'T') } };

    const { environment, secrets } = jobEnvironment(input({ definition, environmentOverrides: overrides }), box);

    expect([environment['S'], environment['T']]).toEqual(['plain-replacement', 'encrypted-replacement']);
    expect(secrets).toEqual(expect.arrayContaining(['plain-replacement', 'encrypted-replacement']));
  });

  it('gives packages that came with upstream runs under their names here, with their own repository’s configuration', () => {
    const throughQa: UpstreamPackageRevision = {
      name: 'web',
      upstream: 'qa',
      upstream_name: 'web',
      repository_id: 'r1',
      repository_name: 'epel',
      package_id: 'p1',
      package_name: 'scrt',
      revision_id: 7,
      revision: 'web-2.0',
      data: { LOCATION: 'http://repo.example.org/web-2.0.rpm' },
    };
    const clashing = { ...throughQa, name: 'build-api/app', upstream: 'build-api', upstream_name: 'app', package_id: 'p2', revision: 'api-3.1' };
    const buildCause = { trigger: { kind: 'manual' as const, by: 'alice', message: '' }, materials: [], upstream_packages: [throughQa, clashing] };

    const { environment, secrets } = jobEnvironment(input({ buildCause }), box);

    expect(environment).toMatchObject({
      GO_PACKAGE_WEB_LABEL: 'web-2.0',
      GO_PACKAGE_WEB_LOCATION: 'http://repo.example.org/web-2.0.rpm',
      GO_REPO_WEB_REPO_URL: 'http://repo.example.org/',
      GO_PACKAGE_BUILD_API__APP_LABEL: 'api-3.1',
    });
    expect(environment['GO_REPO_BUILD_API__APP_REPO_URL']).toBeUndefined();
    expect(secrets.sort()).toEqual(['pkg-secret', 'repo-secret', 'var-secret']);
  });

  it('refuses a secure variable encrypted for another pipeline', () => {
    const definition = { ...input().definition, secure_environment: { S: { encrypted_value: encryptVariable(box, 'x', 'other', 'S') } } };

    expect(() => jobEnvironment(input({ definition }), box)).toThrow(UnreadableVariable);
  });
});
