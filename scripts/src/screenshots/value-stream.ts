import type { BatonApi } from './baton-api';
import type { YumRepository } from './yum-repository';

const exec = (script: string) => ({ exec: { command: 'sh', arguments: ['-c', script] } });

/** build → qa → production, as in the README's downstream walk-through: qa's sign-off is manual. */
const PIPELINES = [
  {
    name: 'build',
    materials: [{ name: 'scrt', package: { repository: 'team-packages', package: 'scrt' } }],
    stages: [{ name: 'package', jobs: [{ name: 'check', tasks: [exec('echo checking $GO_PACKAGE_SCRT_LABEL')] }] }],
  },
  {
    name: 'qa',
    materials: [{ pipeline: 'build', stage: 'package' }],
    stages: [
      { name: 'test', jobs: [{ name: 'smoke', tasks: [exec('echo testing $GO_PACKAGE_SCRT_LABEL')] }] },
      { name: 'signoff', approval: { type: 'manual', users: ['release-manager'] }, jobs: [{ name: 'record', tasks: [exec('true')] }] },
    ],
  },
  {
    name: 'production',
    materials: [{ pipeline: 'qa', stage: 'signoff' }],
    stages: [{ name: 'deploy', jobs: [{ name: 'deploy', tasks: [exec('echo deploying $GO_PACKAGE_SCRT_LABEL')] }] }],
  },
];

/** The versions of scrt published one after another; the first two go all the way to production. */
const VERSIONS = ['0.3.1', '0.3.2', '0.3.3', '0.3.4'];
const PROMOTED = 2;

/**
 * A small value stream with some history: the yum package scrt, its pipelines, four revisions,
 * the first two signed off and deployed, the third waiting for its sign-off, the fourth through qa's test.
 * Answers the package's id and the token of release-manager, the operator who signs off.
 */
export async function createValueStream(api: BatonApi, repository: YumRepository): Promise<{ packageId: string; managerToken: string }> {
  const repo = await api.post<{ id: string }>('/api/repositories', {
    name: 'team-packages',
    plugin_id: 'yum',
    configuration: [{ key: 'REPO_URL', value: repository.url }],
  });
  const pkg = await api.post<{ id: string }>('/api/packages', {
    name: 'scrt',
    repository_id: repo.id,
    configuration: [{ key: 'PACKAGE_SPEC', value: 'scrt.x86_64' }],
    auto_update: false,
  });
  const managerToken = (await api.post<{ token: string }>('/api/tokens', { name: 'release-manager', role: 'operator' })).token;
  const manager = api.as(managerToken);
  for (let counter = 1; counter <= VERSIONS.length; counter += 1) {
    repository.publish(VERSIONS.slice(0, counter));
    await api.post(`/api/packages/${pkg.id}/poll?wait=30`);
    // The first revision is there when build is created, which runs once with it.
    if (counter === 1) for (const definition of PIPELINES) await api.post('/api/pipelines', definition);
    await api.stageReaches('build', counter, 'package', 'passed');
    await api.stageReaches('qa', counter, 'signoff', 'awaiting_approval');
    if (counter > PROMOTED) continue;
    await manager.post(`/api/pipelines/qa/runs/${counter}/stages/signoff/approve`);
    await api.stageReaches('production', counter, 'deploy', 'passed');
  }
  return { packageId: pkg.id, managerToken };
}
