import { PermanentError, TransientError, toWireError } from '../src';

describe('toWireError', () => {
  it.each([
    [
      'a TransientError',
      new TransientError('http_503', 'busy', { retryAfterSeconds: 30 }),
      { kind: 'transient', code: 'http_503', message: 'busy', retry_after_seconds: 30 },
    ],
    ['a TransientError without Retry-After', new TransientError('network', 'reset'), { kind: 'transient', code: 'network', retry_after_seconds: null }],
    [
      'a PermanentError',
      new PermanentError('not_found', 'no such package'),
      { kind: 'permanent', code: 'not_found', message: 'no such package', retry_after_seconds: null },
    ],
    ['a copy from another bundle', { kind: 'permanent', code: 'bad_spec', message: 'spec is empty' }, { kind: 'permanent', code: 'bad_spec' }],
    [
      'a wire error handed back',
      { kind: 'transient', code: 'http_429', message: 'slow down', retry_after_seconds: 60 },
      { kind: 'transient', retry_after_seconds: 60 },
    ],
    ['a negative retry', { kind: 'transient', code: 'x', message: 'm', retryAfterSeconds: -1 }, { retry_after_seconds: null }],
    ['a plain Error', new Error('boom'), { kind: 'bug', code: 'plugin_bug', message: 'Error: boom' }],
    ['a TypeError', new TypeError('x is undefined'), { kind: 'bug', message: 'TypeError: x is undefined' }],
    ['a string', 'just text', { kind: 'bug', message: 'Error: just text' }],
    ['an unknown kind', { kind: 'fatal', code: 'x', message: 'm' }, { kind: 'bug' }],
    ['a kind without a code', { kind: 'permanent', message: 'm' }, { kind: 'bug' }],
    ['undefined', undefined, { kind: 'bug', message: 'Error: undefined' }],
  ])('classifies %s', (_case, thrown, expected) => {
    expect(toWireError(thrown)).toMatchObject(expected);
  });

  it('never keeps a retry on a permanent error', () => {
    const permanent = Object.assign(new PermanentError('gone', 'removed'), { retryAfterSeconds: 10 });

    expect(toWireError(permanent).retry_after_seconds).toBeNull();
  });
});

describe('error classes', () => {
  it.each(['HTTP_503', '', '5xx', 'a'.repeat(65)])('refuse the code %p', (code) => {
    expect(() => new PermanentError(code, 'm')).toThrow(TypeError);
  });

  it('name themselves and keep their kind', () => {
    const error = new TransientError('timeout', 'slow');

    expect([error.name, error.kind, error instanceof Error]).toEqual(['TransientError', 'transient', true]);
  });
});
