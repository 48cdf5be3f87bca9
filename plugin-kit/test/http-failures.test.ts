import { createServer } from 'node:net';
import { PermanentError, TransientError } from '@baton/plugin-api';
import { networkFailure, statusFailure } from '../src/http-failures';

const URL = 'https://registry.example.org/index.json';
const WORDING = { what: 'the package index' };

describe('statusFailure', () => {
  it.each([
    [404, {}, 'permanent', 'not_found', 'the package index not found at https://registry.example.org/index.json (404)', null],
    [401, {}, 'permanent', 'access_denied', `${URL} refused access (401); check USERNAME and PASSWORD`, null],
    [403, {}, 'permanent', 'access_denied', `${URL} refused access (403); check USERNAME and PASSWORD`, null],
    [410, {}, 'permanent', 'http_410', `${URL} answered 410 instead of the package index`, null],
    [429, { 'retry-after': '120' }, 'transient', 'http_429', `${URL} answered 429 instead of the package index`, 120],
    [503, { 'retry-after': 'soon' }, 'transient', 'http_503', `${URL} answered 503 instead of the package index`, null],
    [502, {}, 'transient', 'http_502', `${URL} answered 502 instead of the package index`, null],
    [408, { 'retry-after': '5' }, 'transient', 'http_408', `${URL} answered 408 instead of the package index`, 5],
  ])('answers %i (%j) as a %s error %s', (status, headers, kind, code, message, retryAfter) => {
    const error = statusFailure(URL, { status, headers }, WORDING);

    expect(error).toMatchObject({ kind, code, message });
    if (error instanceof TransientError) expect(error.retryAfterSeconds).toBe(retryAfter);
  });

  it('reads an HTTP date in Retry-After as the seconds until then', () => {
    const at = new Date(Date.now() + 90_000).toUTCString();

    const error = statusFailure(URL, { status: 503, headers: { 'retry-after': at } }, WORDING) as TransientError;

    expect(error.retryAfterSeconds).toBeGreaterThan(80);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(90);
  });

  it('says what to check when access is refused, as the plugin words it', () => {
    const error = statusFailure(URL, { status: 401, headers: {} }, { what: 'the index', accessHint: 'check TOKEN' });

    expect(error.message).toBe(`${URL} refused access (401); check TOKEN`);
  });
});

/** A loopback URL where nothing listens: a port the system gave out and that is closed again. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/`;
}

describe('networkFailure', () => {
  it('makes a refused connection on loopback (as fetch reports it) a TransientError', async () => {
    const url = await closedPortUrl();
    const refused = await fetch(url).then(
      () => new Error('connected'),
      (error: unknown) => error,
    );

    const error = networkFailure(url, refused);

    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ code: 'network', message: expect.stringContaining('ECONNREFUSED') });
  });

  it.each(['ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET'])('makes %s a TransientError', (code) => {
    const cause = Object.assign(new Error(`socket said ${code}`), { code });

    expect(networkFailure(URL, cause)).toBeInstanceOf(TransientError);
  });

  it("passes the plugin's own errors and other failures (bugs) through unchanged", () => {
    const own = new PermanentError('not_found', 'gone');
    const bug = new RangeError('index out of range');

    expect(networkFailure(URL, own)).toBe(own);
    expect(networkFailure(URL, bug)).toBe(bug);
  });
});
