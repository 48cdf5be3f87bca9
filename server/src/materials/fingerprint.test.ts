import { resolveProperty } from '@baton/plugin-api';
import { packageFingerprint } from './fingerprint';

const repositoryProperties = [
  resolveProperty({ key: 'REPO_URL', displayName: 'URL' }),
  resolveProperty({ key: 'USERNAME', displayName: 'User', required: false, partOfIdentity: false }),
  resolveProperty({ key: 'PASSWORD', displayName: 'Password', required: false, secure: true, partOfIdentity: false }),
  resolveProperty({ key: 'CHANNEL', displayName: 'Channel', required: false, defaultValue: 'stable' }),
];
const packageProperties = [resolveProperty({ key: 'PACKAGE_SPEC', displayName: 'Spec' })];

const fingerprint = (pluginId: string, repo: Record<string, string>, pkg: Record<string, string>) =>
  packageFingerprint(pluginId, { properties: repositoryProperties, values: repo }, { properties: packageProperties, values: pkg });

describe('packageFingerprint', () => {
  const base = fingerprint('yum', { REPO_URL: 'https://repo.example.org/el9/' }, { PACKAGE_SPEC: 'scrt' });

  it('is a SHA-256 in hex', () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores what is not identity: credentials', () => {
    expect(fingerprint('yum', { REPO_URL: 'https://repo.example.org/el9/', USERNAME: 'u', PASSWORD: 'p' }, { PACKAGE_SPEC: 'scrt' })).toBe(base);
  });

  it('applies defaults, so an explicit default is the same identity', () => {
    expect(fingerprint('yum', { REPO_URL: 'https://repo.example.org/el9/', CHANNEL: 'stable' }, { PACKAGE_SPEC: 'scrt' })).toBe(base);
  });

  it.each([
    ['another plugin', () => fingerprint('npm', { REPO_URL: 'https://repo.example.org/el9/' }, { PACKAGE_SPEC: 'scrt' })],
    ['another repository URL', () => fingerprint('yum', { REPO_URL: 'https://repo.example.org/el8/' }, { PACKAGE_SPEC: 'scrt' })],
    ['another channel', () => fingerprint('yum', { REPO_URL: 'https://repo.example.org/el9/', CHANNEL: 'beta' }, { PACKAGE_SPEC: 'scrt' })],
    ['another package spec', () => fingerprint('yum', { REPO_URL: 'https://repo.example.org/el9/' }, { PACKAGE_SPEC: 'scrt.x86_64' })],
  ])('differs for %s', (_case, other) => {
    expect(other()).not.toBe(base);
  });

  it('cannot be confused by values that would run together', () => {
    const a = fingerprint('yum', { REPO_URL: 'ab' }, { PACKAGE_SPEC: 'c' });
    const b = fingerprint('yum', { REPO_URL: 'a' }, { PACKAGE_SPEC: 'bc' });

    expect(a).not.toBe(b);
  });
});
