import { readFileSync } from 'node:fs';
import plugin from '../src';
import { fixturePath } from './support/repositories';

const KEY = readFileSync(fixturePath('scrt-yum', 'key.gpg'), 'utf8');

describe('repository validation', () => {
  it.each([
    [{ REPO_URL: 'https://repo.example.org/el9/' }, []],
    [{ REPO_URL: 'file:///srv/repos/el9' }, []],
    [{ REPO_URL: 'https://repo.example.org/el9/', USERNAME: 'ci', PASSWORD: 's3cret', GPG_KEY: KEY }, []],
    [{}, [['REPO_URL', 'Repository URL (REPO_URL) is required']]],
    [{ REPO_URL: 'repo.example.org/el9' }, [['REPO_URL', "Invalid URL: 'repo.example.org/el9' is not an absolute URL such as https://repo.example.org/el9/."]]],
    [{ REPO_URL: 'ftp://repo.example.org/el9/' }, [['REPO_URL', "Invalid URL: Only 'file', 'http' and 'https' protocols are supported."]]],
    [
      { REPO_URL: 'https://ci:s3cret@repo.example.org/el9/' },
      [['REPO_URL', 'Invalid URL: a user name or password inside the URL is not allowed; use USERNAME and PASSWORD instead.']],
    ],
    [{ REPO_URL: 'https://repo.example.org/el9/?token=1' }, [['REPO_URL', 'Invalid URL: the repository URL must not have a query (?…) or a fragment (#…).']]],
    [{ REPO_URL: 'https://repo.example.org/el9/', USERNAME: 'ci' }, [['PASSWORD', 'Both Username and password are required.']]],
    [{ REPO_URL: 'https://repo.example.org/el9/', PASSWORD: 's3cret' }, [['USERNAME', 'Both Username and password are required.']]],
    [
      { REPO_URL: 'file:///srv/repos/el9', USERNAME: 'ci', PASSWORD: 's3cret' },
      [['USERNAME', 'File URLs take no credentials: leave Username and Password empty.']],
    ],
    [
      { REPO_URL: 'https://repo.example.org/el9/', GPG_KEY: 'not a key' },
      [['GPG_KEY', 'GPG public key (GPG_KEY): must be an ASCII-armoured public key (-----BEGIN PGP PUBLIC KEY BLOCK-----)']],
    ],
    [
      { REPO_URL: 'https://repo.example.org/el9/', GPG_KEY: '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbroken\n-----END PGP PUBLIC KEY BLOCK-----' },
      [['GPG_KEY', expect.stringMatching(/^GPG public key \(GPG_KEY\): cannot be read as an OpenPGP public key: /)]],
    ],
  ])('%j → %j', async (repository, expected) => {
    const errors = await plugin.validateRepository(repository);

    expect(errors.map((e) => [e.key, e.message])).toEqual(expected);
  });
});

describe('package validation', () => {
  const repository = { REPO_URL: 'https://repo.example.org/el9/' };

  it.each([
    ['scrt', []],
    ['scrt-0:0.3.3-1.x86_64', []],
    ['0:scrt-0.3.3-1.x86_64', []],
    ['python3-*', []],
    ['c++-libs.x86_64', []],
    [
      'scrt x86_64',
      ["Package spec (PACKAGE_SPEC) 'scrt x86_64' may hold only letters, digits and . _ + ~ ^ : - * ? (for example scrt or scrt-0.3.3-1.x86_64)"],
    ],
    [
      'scrt,moosync',
      ["Package spec (PACKAGE_SPEC) 'scrt,moosync' may hold only letters, digits and . _ + ~ ^ : - * ? (for example scrt or scrt-0.3.3-1.x86_64)"],
    ],
    ['a:b', ["Package spec (PACKAGE_SPEC) 'a:b' is not a name, name.arch or name-[epoch:]version[-release][.arch]"]],
  ])('%s → %j', async (spec, expected) => {
    const errors = await plugin.validatePackage(repository, { PACKAGE_SPEC: spec });

    expect(errors.map((e) => e.message)).toEqual(expected);
  });
});
