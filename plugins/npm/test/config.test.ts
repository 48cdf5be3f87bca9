import { plugin } from './support/plugin-calls';

const validRepository = { REGISTRY_URL: 'https://registry.example.org/npm/' };

describe('repository configuration', () => {
  it.each([
    [{}, []],
    [validRepository, []],
    [{ ...validRepository, AUTH_TOKEN: 't0k3n' }, []],
    [{ USERNAME: 'ci', PASSWORD: 's3cret' }, []],
    [{ REGISTRY_URL: 'registry.example.org' }, [['REGISTRY_URL', "Registry URL (REGISTRY_URL) 'registry.example.org' is not an absolute URL"]]],
    [{ REGISTRY_URL: 'ftp://registry.example.org/' }, [['REGISTRY_URL', 'must be an http or https URL']]],
    [{ REGISTRY_URL: 'https://ci:s3cret@registry.example.org/' }, [['REGISTRY_URL', 'must not hold a user name or password']]],
    [{ REGISTRY_URL: 'https://registry.example.org/?a=1' }, [['REGISTRY_URL', 'must not have a query']]],
    [{ AUTH_TOKEN: 't0k3n', USERNAME: 'ci', PASSWORD: 's3cret' }, [['AUTH_TOKEN', 'Give either Auth token (AUTH_TOKEN) or Username and Password']]],
    [{ USERNAME: 'ci' }, [['PASSWORD', 'Username (USERNAME) and Password (PASSWORD) go together']]],
    [{ PASSWORD: 's3cret' }, [['USERNAME', 'Username (USERNAME) and Password (PASSWORD) go together']]],
    [{ URL: 'https://registry.example.org/' }, [['URL', "Unknown key 'URL'"]]],
  ])('%j: %j', async (repository, expected) => {
    const errors = await plugin.validateRepository(repository);

    expect(errors.map((e) => [e.key, e.message])).toEqual(expected.map(([key, message]) => [key, expect.stringContaining(message)]));
  });
});

describe('package configuration', () => {
  it.each([
    [{ PACKAGE_NAME: 'left-pad' }, []],
    [{ PACKAGE_NAME: '@scope/tool', VERSION_RANGE: '^1.2.0 || >=3', DIST_TAG: 'next', INCLUDE_PRERELEASE: 'true' }, []],
    [{ PACKAGE_NAME: 'JSONStream' }, []],
    [{}, [['PACKAGE_NAME', 'Package name (PACKAGE_NAME) is required']]],
    [
      { PACKAGE_NAME: 'Bad Name' },
      [['PACKAGE_NAME', "Package name (PACKAGE_NAME) 'Bad Name' is not a valid npm package name: name can only contain URL-friendly characters"]],
    ],
    [{ PACKAGE_NAME: '@scope/' }, [['PACKAGE_NAME', "'@scope/' is not a valid npm package name"]]],
    [{ PACKAGE_NAME: '.hidden' }, [['PACKAGE_NAME', 'name cannot start with a period']]],
    [{ PACKAGE_NAME: 'tool', VERSION_RANGE: '^^1' }, [['VERSION_RANGE', "Version range (VERSION_RANGE) '^^1' is not a node-semver range"]]],
    [{ PACKAGE_NAME: 'tool', DIST_TAG: '1.x' }, [['DIST_TAG', "Dist-tag (DIST_TAG) '1.x' is a semver range"]]],
    [{ PACKAGE_NAME: 'tool', DIST_TAG: 'a/b' }, [['DIST_TAG', 'may hold only letters, digits']]],
    [{ PACKAGE_NAME: 'tool', INCLUDE_DEPRECATED: 'yes' }, [['INCLUDE_DEPRECATED', 'Include deprecated (INCLUDE_DEPRECATED) must be true or false']]],
  ])('%j: %j', async (pkg, expected) => {
    const errors = await plugin.validatePackage(validRepository, pkg);

    expect(errors.map((e) => [e.key, e.message])).toEqual(expected.map(([key, message]) => [key, expect.stringContaining(message)]));
  });
});
