import { randomBytes } from 'node:crypto';
import type { FetchCredentials } from '@baton/plugin-api';
import type { DbJobRunRow, DbPipelineRunRow, DbStageRunRow } from '../../db/tables';
import type { MaterialReader, PackageMaterialConfiguration } from '../../materials/material-reader';
import { SecretBox } from '../../security/secret-box';
import { JobAssignments, repositoryOrigin, UnassignableJob } from './job-assignments';

function reader(repository: Record<string, string>, fetchCredentials: FetchCredentials | null = null): MaterialReader {
  const configuration: PackageMaterialConfiguration = {
    repositoryId: 'r1',
    repositoryName: 'epel',
    pluginId: 'yum',
    repository: { values: repository, secureKeys: ['PASSWORD'] },
    packageId: 'p1',
    packageName: 'scrt',
    package: { values: {}, secureKeys: [] },
    fetchCredentials,
  };
  return { packageConfiguration: async (id) => (id === 'p1' ? configuration : null) };
}

const run = {
  id: 'run-1',
  pipeline_name: 'rel',
  counter: 3,
  label: '3',
  triggered_by: 'alice',
  environment_overrides: {},
  definition: { name: 'rel', materials: [], stages: [{ name: 'qa', jobs: [{ name: 'smoke', tasks: [{ exec: { command: 'true' } }] }] }] },
  build_cause: {
    trigger: { kind: 'manual', by: 'alice', message: '' },
    materials: [
      { type: 'package', name: 'app', package_id: 'p1', revision: '1.0', data: { LOCATION: 'http://repo.example.org/el9/a.rpm', CHECKSUM: 'md5:00' } },
    ],
  },
} as unknown as DbPipelineRunRow;
const stage = { id: 'stage-1', stage_name: 'qa', stage_index: 0, counter: 1 } as DbStageRunRow;
const job = (name: string) => ({ id: 'job-1', job_name: name }) as DbJobRunRow;

describe('JobAssignments', () => {
  const box = new SecretBox(randomBytes(32));

  it('binds the repository’s credentials to the origin of its URL', async () => {
    const assignments = new JobAssignments(reader({ REPO_URL: 'https://repo.example.org:8443/el9', USERNAME: 'u', PASSWORD: 'p' }), box);

    const assignment = await assignments.build({ job: job('smoke'), stage, run });

    expect(assignment.tasks).toEqual([{ exec: { command: 'true' } }]);
    expect(assignment.packages).toEqual([
      {
        material: 'app',
        revision: '1.0',
        location: 'http://repo.example.org/el9/a.rpm',
        checksum: 'md5:00',
        integrity: null,
        credentials: { origin: 'https://repo.example.org:8443', scheme: 'basic', username: 'u', password: 'p' },
        localRepository: false,
      },
    ]);
    expect(assignment.secrets).toEqual(['p']);
  });

  it.each([
    [
      { REGISTRY_URL: 'https://registry.example.org/npm/', AUTH_TOKEN: 't', USERNAME: 'u', PASSWORD: 'p' },
      { origin: 'https://registry.example.org', scheme: 'bearer', token: 't' },
    ],
    [
      { REGISTRY_URL: 'https://registry.example.org/npm/', USERNAME: 'u', PASSWORD: 'p' },
      { origin: 'https://registry.example.org', scheme: 'basic', username: 'u', password: 'p' },
    ],
    [{ REGISTRY_URL: '', AUTH_TOKEN: 't' }, null],
    [{ REGISTRY_URL: 'https://registry.example.org/' }, null],
    [{ REPO_URL: 'https://repo.example.org/', AUTH_TOKEN: 't' }, null],
  ])('follows the plugin’s declaration: %j → %j', async (repository, expected) => {
    const declared: FetchCredentials = { urlKey: 'REGISTRY_URL', bearer: { token: 'AUTH_TOKEN' }, basic: { username: 'USERNAME', password: 'PASSWORD' } };
    const assignments = new JobAssignments(reader(repository, declared), box);

    expect((await assignments.build({ job: job('smoke'), stage, run })).packages[0].credentials).toEqual(expected);
  });

  it('sends no credentials when the repository has no URL to bind them to', async () => {
    const assignments = new JobAssignments(reader({ PATH: '/srv/repo', PASSWORD: 'p' }), box);

    expect((await assignments.build({ job: job('smoke'), stage, run })).packages[0].credentials).toBeNull();
  });

  it.each([
    [{ REPO_URL: 'file:///srv/repo' }, true],
    [{ URL: 'FILE:///srv/list.json' }, true],
    [{ REPO_URL: 'https://repo.example.org/el9', MIRROR: 'file:///srv/mirror' }, false],
    [{ PATH: 'file:///srv/repo' }, false],
  ])('lets a job read local files only for a repository whose URL is a folder: %j → %s', async (repository, local) => {
    const assignments = new JobAssignments(reader(repository), box);

    expect((await assignments.build({ job: job('smoke'), stage, run })).packages[0].localRepository).toBe(local);
  });

  it('hands over a package that came with an upstream run as <upstream>/<name>, with its own repository’s credentials', async () => {
    const assignments = new JobAssignments(reader({ REPO_URL: 'https://repo.example.org/el9', USERNAME: 'u', PASSWORD: 'p' }), box);
    const upstreamPackage = {
      name: 'qa/app',
      upstream: 'qa',
      upstream_name: 'app',
      package_id: 'p1',
      revision: '0.9',
      data: { LOCATION: 'https://repo.example.org/el9/a-0.9.rpm', CHECKSUM: 'sha256:ab' },
    };
    const downstream = { ...run, build_cause: { ...run.build_cause, materials: [], upstream_packages: [upstreamPackage] } } as unknown as DbPipelineRunRow;

    const assignment = await assignments.build({ job: job('smoke'), stage, run: downstream });

    expect(assignment.packages).toEqual([
      {
        material: 'qa/app',
        revision: '0.9',
        location: 'https://repo.example.org/el9/a-0.9.rpm',
        checksum: 'sha256:ab',
        integrity: null,
        credentials: { origin: 'https://repo.example.org', scheme: 'basic', username: 'u', password: 'p' },
        localRepository: false,
      },
    ]);
    expect(assignment.environment['GO_PACKAGE_QA__APP_LABEL']).toBe('0.9');
  });

  it('refuses a job its run’s definition does not have', async () => {
    const assignments = new JobAssignments(reader({}), box);

    await expect(assignments.build({ job: job('other'), stage, run })).rejects.toThrow(UnassignableJob);
  });
});

describe('repositoryOrigin', () => {
  it.each([
    [{ REPO_URL: 'http://a.example.org/x', URL: 'http://b.example.org/' }, 'http://a.example.org'],
    [{ URL: 'https://b.example.org/repo' }, 'https://b.example.org'],
    [{ URL: 'http://d.example.org:81/list.json' }, 'http://d.example.org:81'],
    [{ METADATA_URL: 'http://c.example.org/', PROXY_URL: 'http://proxy.example.org:3128/' }, null],
    [{ REPO_URL: 'file:///srv/repo', URL: 'http://b.example.org/' }, null],
    [{ REPO_URL: 'not a url' }, null],
    [{ REPO_URL: 'file:///srv/repo' }, null],
    [{ HOMEPAGE: 'http://e.example.org/' }, null],
  ])('%j → %s', (values, expected) => {
    expect(repositoryOrigin(values)).toBe(expected);
  });
});
