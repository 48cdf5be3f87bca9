import { definePlugin, type BatchAnswer, type PackageRevision } from '@baton/plugin-api';

const good: PackageRevision = { revision: '1.0.0', timestamp: new Date('2024-05-01T10:00:00Z'), data: { LOCATION: 'https://repo.example.org/a-1.0.0.tgz' } };

/** KIND picks what is wrong with the answer. */
const revisions: Record<string, unknown> = {
  good,
  twice: good,
  'lower-case-data-key': { ...good, data: { location: 'https://repo.example.org/a.tgz' } },
  'string-timestamp': { ...good, timestamp: '2024-05-01T10:00:00Z' },
  'empty-label': { ...good, revision: '' },
  'number-value': { ...good, data: { SIZE: 42 } },
};

export default definePlugin({
  id: 'malformed',
  displayName: 'Malformed answers (test)',
  version: '1.0.0',
  capabilities: { batch: true },
  repository: { properties: [] },
  package: { properties: [{ key: 'KIND', displayName: 'Kind' }] },
  async checkRepositoryConnection() {
    return { ok: 'yes', messages: [] } as unknown as { ok: boolean; messages: string[] };
  },
  async checkPackageConnection(_repository, pkg) {
    return { ok: true, messages: [], revision: revisions[pkg['KIND']] as PackageRevision };
  },
  async latestRevision(_repository, pkg) {
    return { revision: revisions[pkg['KIND']] as PackageRevision };
  },
  async latestRevisionSince(_repository, pkg) {
    return { revision: revisions[pkg['KIND']] as PackageRevision };
  },
  /** Answers each item by its KIND, answers 'twice' twice, never answers 'skip', and adds a key nobody asked for. */
  async latestRevisionsSince(_repository, items): Promise<BatchAnswer[]> {
    const answers: BatchAnswer[] = [];
    for (const item of items) {
      const kind = item.package['KIND'];
      if (kind === 'skip') continue;
      answers.push({ key: item.key, result: { revision: revisions[kind] as PackageRevision } });
      if (kind === 'twice') answers.push({ key: item.key, result: { revision: null } });
    }
    answers.push({ key: 'not-asked', result: { revision: good } });
    return answers;
  },
});
