import { selectionOf } from '../src/config';
import plugin from '../src';

describe('repository validation', () => {
  it.each([
    [{ REPO_URL: 'https://registry.example.org/maven2/' }, []],
    [{ REPO_URL: 'file:///srv/maven' }, []],
    [{ REPO_URL: 'https://registry.example.org/maven2/', USERNAME: 'ci', PASSWORD: 's3cret' }, []],
    [{ REPO_URL: 'https://registry.example.org/maven2/', AUTH_TOKEN: 't0k3n' }, []],
    [{}, [['REPO_URL', 'Repository URL (REPO_URL) is required']]],
    [
      { REPO_URL: 'registry.example.org/maven2' },
      [['REPO_URL', "Invalid URL: 'registry.example.org/maven2' is not an absolute URL such as https://registry.example.org/maven2/."]],
    ],
    [{ REPO_URL: 'ftp://registry.example.org/maven2/' }, [['REPO_URL', "Invalid URL: Only 'file', 'http' and 'https' protocols are supported."]]],
    [
      { REPO_URL: 'https://ci:s3cret@registry.example.org/maven2/' },
      [['REPO_URL', 'Invalid URL: a user name or password inside the URL is not allowed; put them in USERNAME and PASSWORD (or a token in AUTH_TOKEN).']],
    ],
    [
      { REPO_URL: 'https://registry.example.org/maven2/?x=1' },
      [['REPO_URL', 'Invalid URL: the repository URL must not have a query (?…) or a fragment (#…).']],
    ],
    [{ REPO_URL: 'https://registry.example.org/maven2/', USERNAME: 'ci' }, [['PASSWORD', 'Both Username and password are required.']]],
    [{ REPO_URL: 'https://registry.example.org/maven2/', PASSWORD: 's3cret' }, [['USERNAME', 'Both Username and password are required.']]],
    [
      { REPO_URL: 'https://registry.example.org/maven2/', USERNAME: 'ci', PASSWORD: 's3cret', AUTH_TOKEN: 't0k3n' },
      [['AUTH_TOKEN', 'Give either a Bearer token (AUTH_TOKEN) or Username and Password, not both: one Authorization header is sent.']],
    ],
    [
      { REPO_URL: 'file:///srv/maven', AUTH_TOKEN: 't0k3n' },
      [['AUTH_TOKEN', 'File URLs take no credentials: leave Username, Password and Bearer token empty.']],
    ],
    [
      { REPO_URL: 'file:///srv/maven', USERNAME: 'ci', PASSWORD: 's3cret' },
      [['USERNAME', 'File URLs take no credentials: leave Username, Password and Bearer token empty.']],
    ],
  ])('%j → %j', async (repository, expected) => {
    const errors = await plugin.validateRepository(repository);

    expect(errors.map((e) => [e.key, e.message])).toEqual(expected);
  });
});

describe('package validation', () => {
  const repository = { REPO_URL: 'https://registry.example.org/maven2/' };
  const artifact = { GROUP_ID: 'org.example.tools', ARTIFACT_ID: 'tools-core' };
  const both = 'Give either Version range (VERSION_RANGE) or Poll version from / to (POLL_VERSION_FROM, POLL_VERSION_TO), not both';

  it.each([
    [artifact, []],
    [{ ...artifact, PACKAGING: 'tar.gz', CLASSIFIER: 'linux-x86_64', VERSION_RANGE: '(,1.0],[1.2,)' }, []],
    [{ ...artifact, POLL_VERSION_FROM: '1.0', POLL_VERSION_TO: '2.0', INCLUDE_SNAPSHOTS: 'true' }, []],
    [{ ARTIFACT_ID: 'tools-core' }, [['GROUP_ID', 'Group id (GROUP_ID) is required']]],
    [
      { ...artifact, GROUP_ID: 'org.example.*' },
      [
        [
          'GROUP_ID',
          "Group id (GROUP_ID) 'org.example.*' must be letters, digits, _ and - in parts separated by single dots, as org.example.tools (no wildcards)",
        ],
      ],
    ],
    [
      { ...artifact, GROUP_ID: 'org..example' },
      [
        [
          'GROUP_ID',
          "Group id (GROUP_ID) 'org..example' must be letters, digits, _ and - in parts separated by single dots, as org.example.tools (no wildcards)",
        ],
      ],
    ],
    [
      { ...artifact, ARTIFACT_ID: 'tools?' },
      [['ARTIFACT_ID', "Artifact id (ARTIFACT_ID) 'tools?' must be letters, digits, _ . and - only, as tools-core (no wildcards)"]],
    ],
    [{ ...artifact, CLASSIFIER: 'a/b' }, [['CLASSIFIER', "Classifier (CLASSIFIER) 'a/b' must be letters, digits, _ . and - only, as sources"]]],
    [
      { ...artifact, VERSION_RANGE: '[1.0,2.0)', POLL_VERSION_FROM: '1.0' },
      [
        ['VERSION_RANGE', both],
        ['POLL_VERSION_FROM', both],
      ],
    ],
    [
      { ...artifact, VERSION_RANGE: '[1.0,2.0)', POLL_VERSION_FROM: '1.0', POLL_VERSION_TO: '2.0' },
      [
        ['VERSION_RANGE', both],
        ['POLL_VERSION_FROM', both],
        ['POLL_VERSION_TO', both],
      ],
    ],
    [
      { ...artifact, VERSION_RANGE: '[2.0,1.0]' },
      [
        [
          'VERSION_RANGE',
          "Version range (VERSION_RANGE) '[2.0,1.0]': the lower bound must be below the upper bound; write Maven ranges such as [1.0,2.0) or (,1.0],[1.2,)",
        ],
      ],
    ],
    [
      { ...artifact, POLL_VERSION_FROM: '2.0', POLL_VERSION_TO: '2.0.0' },
      [['POLL_VERSION_TO', "Poll version to (POLL_VERSION_TO) '2.0.0' must be above Poll version from (POLL_VERSION_FROM) '2.0'"]],
    ],
    [{ ...artifact, VERIFY_ARTIFACT: 'yes' }, [['VERIFY_ARTIFACT', 'Verify artifact (VERIFY_ARTIFACT) must be true or false']]],
  ])('%j → %j', async (pkg, expected) => {
    const errors = await plugin.validatePackage(repository, pkg);

    expect(errors.map((e) => [e.key, e.message])).toEqual(expected);
  });
});

describe('a package as a selection', () => {
  it('applies the defaults: jar, no classifier, no range, releases and pre-releases, verified', () => {
    const selection = selectionOf({ GROUP_ID: ' org.example.tools ', ARTIFACT_ID: 'tools-core' });

    expect(selection).toEqual({
      groupId: 'org.example.tools',
      artifactId: 'tools-core',
      extension: 'jar',
      classifier: '',
      range: null,
      snapshots: false,
      prereleases: true,
      verify: true,
    });
  });

  it('turns the from / to bounds into a range', () => {
    const selection = selectionOf({ GROUP_ID: 'g', ARTIFACT_ID: 'a', POLL_VERSION_FROM: '1.0' });

    expect(selection.range?.text).toBe('[1.0,)');
  });
});
