/** Not built with definePlugin, and wrong in several ways: the host must refuse it and say why. */
export default {
  id: 'Bad Definition',
  displayName: '',
  version: '1.0.0',
  capabilities: { batch: true },
  repository: { properties: [{ key: 'url', displayName: 'URL' }] },
  package: {},
  async latestRevision() {
    return { revision: null };
  },
};
