import type http from 'node:http';
import { LoopbackServers, testHttpSettings } from '../../../../test/support/loopback-servers';
import { createHttpClient } from '../http-client';

const settings = testHttpSettings();
const servers = new LoopbackServers();

afterEach(() => servers.closeAll());

function redirect(res: http.ServerResponse, location: string, status = 302): void {
  res.writeHead(status, { Location: location });
  res.end('moved');
}

const auth = { username: 'reader', password: 's3cret' };

function get(url: string, headers?: Record<string, string>) {
  return createHttpClient(settings, new AbortController().signal).get({ url, auth, headers });
}

describe('redirects', () => {
  it.each([301, 302, 303, 307, 308])('follows %i and reports the final URL', async (status) => {
    const base = await servers.serve((req, res) => {
      if (req.url === '/old') return redirect(res, '/new', status);
      res.end(`at ${req.url}`);
    });

    const response = await get(`${base}/old`);

    expect(response.url).toBe(`${base}/new`);
    expect(await response.text()).toBe('at /new');
  });

  it('follows up to maxRedirects redirects', async () => {
    const base = await servers.serve((req, res) => {
      const hop = Number(req.url?.slice(1));
      if (hop < 3) return redirect(res, `/${hop + 1}`);
      res.end(`arrived after ${hop}`);
    });

    const response = await get(`${base}/0`);

    expect(await response.text()).toBe('arrived after 3');
  });

  it('fails with too_many_redirects after maxRedirects', async () => {
    const base = await servers.serve((req, res) => redirect(res, `/${Number(req.url?.slice(1)) + 1}`));

    const failure = get(`${base}/0`);

    await expect(failure).rejects.toMatchObject({ kind: 'permanent', code: 'too_many_redirects' });
    await expect(failure).rejects.toThrow(/more than 3 redirects/);
  });

  it('fails with too_many_redirects on a loop', async () => {
    const base = await servers.serve((req, res) => redirect(res, req.url === '/a' ? '/b' : '/a'));

    const failure = get(`${base}/a`);

    await expect(failure).rejects.toMatchObject({ code: 'too_many_redirects' });
    await expect(failure).rejects.toThrow(`redirect loop back to ${base}/a`);
  });

  it('keeps Authorization on the same origin and drops it on another', async () => {
    const seen: Record<string, string | undefined> = {};
    const other = await servers.serve((req, res) => {
      seen['other'] = req.headers.authorization;
      res.end('other origin');
    });
    const base = await servers.serve((req, res) => {
      seen[req.url ?? ''] = req.headers.authorization;
      if (req.url === '/start') return redirect(res, '/same');
      redirect(res, `${other}/elsewhere`);
    });

    const response = await get(`${base}/start`, { authorization: 'Bearer token-from-header' });
    await response.text();

    const basic = `Basic ${Buffer.from('reader:s3cret').toString('base64')}`;
    expect(seen['/start']).toBe(basic);
    expect(seen['/same']).toBe(basic);
    expect(seen['other']).toBeUndefined();
    expect(response.url).toBe(`${other}/elsewhere`);
  });

  it('drops an Authorization header on another origin', async () => {
    let seen: string | undefined = 'not reached';
    const other = await servers.serve((req, res) => {
      seen = req.headers.authorization;
      res.end();
    });
    const base = await servers.serve((_req, res) => redirect(res, other));

    await createHttpClient(settings, new AbortController().signal)
      .get({ url: base, headers: { authorization: 'Bearer token' } })
      .then((response) => response.discard());

    expect(seen).toBeUndefined();
  });

  it('refuses a redirect to a file: URL', async () => {
    const base = await servers.serve((_req, res) => redirect(res, 'file:///etc/passwd'));

    const failure = get(base);

    await expect(failure).rejects.toMatchObject({ kind: 'permanent', code: 'bad_redirect' });
  });

  it('returns a redirect status without Location as it is', async () => {
    const base = await servers.serve((_req, res) => {
      res.statusCode = 302;
      res.end();
    });

    const response = await get(base);

    expect(response.status).toBe(302);
  });
});
