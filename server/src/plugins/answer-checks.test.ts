import { checkedAnswer } from './answer-checks';
import { PluginCallError } from './plugin-call-error';
import type { RequestName, RequestPayloads, WireRevision } from './protocol';

const revision: WireRevision = { revision: '1.0.0', timestamp: '2024-05-01T10:00:00Z', user: null, comment: null, trackback_url: null, data: {} };
const config = { repository_configuration: {}, package_configuration: {} };
const batchRequest: RequestPayloads['latest-revisions-since'] = {
  repository_configuration: {},
  packages: [{ key: 'a', package_configuration: {}, previous_revision: null }],
};
const requests: { [N in RequestName]: RequestPayloads[N] } = {
  'repository-configuration': {},
  'package-configuration': {},
  'validate-repository-configuration': { repository_configuration: {} },
  'validate-package-configuration': config,
  'check-repository-connection': { repository_configuration: {} },
  'check-package-connection': config,
  'latest-revision': config,
  'latest-revision-since': { ...config, previous_revision: revision },
  'latest-revisions-since': batchRequest,
};

function refusal(name: RequestName, answer: unknown): { code: string; kind: string; message: string } {
  try {
    checkedAnswer('demo', name, answer, requests[name]);
  } catch (error) {
    if (error instanceof PluginCallError) return { code: error.wire.code, kind: error.wire.kind, message: error.message };
    throw error;
  }
  throw new Error(`an answer to ${name} was accepted: ${JSON.stringify(answer)}`);
}

describe('checkedAnswer', () => {
  it.each<[RequestName, unknown, string]>([
    ['repository-configuration', [], 'an answer to repository-configuration that is not an object'],
    ['repository-configuration', {}, 'an answer to repository-configuration without properties'],
    ['package-configuration', { properties: [{ key: 'A', displayName: 'A' }] }, 'an answer to package-configuration without properties[0].displayOrder'],
    ['validate-repository-configuration', { errors: 'none' }, 'an answer to validate-repository-configuration whose errors is not a list'],
    ['validate-package-configuration', { errors: [{ key: 'A' }] }, 'an answer to validate-package-configuration without errors[0].message'],
    ['check-repository-connection', { ok: 'yes', messages: [] }, 'an answer to check-repository-connection whose ok is not true or false'],
    ['check-package-connection', { ok: true, messages: ['fine', 3] }, 'an answer to check-package-connection whose messages[1] is not a string'],
    ['latest-revision', { warnings: [] }, 'an answer to latest-revision without revision'],
    ['latest-revision-since', { revision: 'v1' }, 'an answer to latest-revision-since whose revision is not an object'],
    ['latest-revisions-since', { results: {} }, 'an answer to latest-revisions-since whose results is not a list'],
  ])('refuses a malformed answer to %s as the plugin bug', (name, answer, what) => {
    expect(refusal(name, answer)).toEqual({ kind: 'bug', code: 'malformed_answer', message: `plugin 'demo' returned ${what}` });
  });

  it('judges a revision that breaks the schema by the API revision rules', () => {
    const answer = { revision: { ...revision, data: { SIZE: 42 } }, warnings: [] };

    expect(refusal('latest-revision', answer)).toEqual({
      kind: 'bug',
      code: 'malformed_revision',
      message: "plugin 'demo' returned a malformed revision: data value of 'SIZE' must be a string",
    });
  });

  it('fails only the package whose batch entry is malformed', () => {
    const request: RequestPayloads['latest-revisions-since'] = {
      repository_configuration: {},
      packages: ['a', 'b'].map((key) => ({ key, package_configuration: {}, previous_revision: null })),
    };
    const answer = {
      results: [
        { key: 'a', result: { revision: null, warnings: 'none' } },
        { key: 'b', result: { revision } },
      ],
    };

    const { results } = checkedAnswer('demo', 'latest-revisions-since', answer, request);

    expect(results[0]?.error).toEqual({
      kind: 'bug',
      code: 'malformed_answer',
      message: "plugin 'demo' returned an answer to latest-revisions-since for 'a' whose warnings is not a list",
      retry_after_seconds: null,
    });
    expect(results[1]?.result).toEqual({ revision: { ...revision, timestamp: '2024-05-01T10:00:00.000Z' }, warnings: [] });
  });

  it('keeps the limits on warnings and drops fields the protocol does not know', () => {
    const warnings = Array.from({ length: 25 }, (_, i) => `${i}:${'w'.repeat(2000)}`);

    const answer = checkedAnswer('demo', 'latest-revision', { revision: null, warnings, extra: true }, requests['latest-revision']);

    expect(answer).not.toHaveProperty('extra');
    expect(answer.warnings).toHaveLength(21);
    expect(answer.warnings[20]).toBe('… and 5 more warnings');
    expect(Math.max(...answer.warnings.map((w) => Buffer.byteLength(w)))).toBeLessThanOrEqual(1024);
  });
});
