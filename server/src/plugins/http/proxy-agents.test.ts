import http from 'node:http';
import net from 'node:net';
import { LoopbackServers, testHttpSettings } from '../../../../test/support/loopback-servers';
import { createHttpClient } from '../http-client';

// The proxy agents ship only as ES modules, which jest's CommonJS loader cannot parse (it leaves
// node_modules untransformed); Node's own require loads them, the same code the server runs.
jest.mock('https-proxy-agent', () => process.getBuiltinModule('node:module').createRequire(__filename)('https-proxy-agent'));
jest.mock('http-proxy-agent', () => process.getBuiltinModule('node:module').createRequire(__filename)('http-proxy-agent'));

const settings = testHttpSettings();

const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'all_proxy'];
const savedEnvironment = new Map(PROXY_VARIABLES.map((name) => [name, process.env[name]]));
const servers = new LoopbackServers();

beforeEach(() => PROXY_VARIABLES.forEach((name) => delete process.env[name]));

afterEach(async () => {
  for (const [name, value] of savedEnvironment) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await servers.closeAll();
});

/** A forward proxy for http and a CONNECT tunnel for https, recording what it was asked. */
async function startProxy() {
  const asked: string[] = [];
  let connections = 0;
  const proxy = http.createServer((req, res) => {
    asked.push(`${req.method} ${req.url}`);
    const upstream = http.request(req.url ?? '', { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  proxy.on('connection', () => (connections += 1));
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    asked.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const port = await servers.track(proxy);
  return { url: `http://127.0.0.1:${port}`, asked, connections: () => connections };
}

async function startTarget(): Promise<string> {
  const port = await servers.track(http.createServer((req, res) => res.end(`target answered ${req.url}`)));
  return `http://127.0.0.1:${port}`;
}

function get(url: string) {
  return createHttpClient(settings, new AbortController().signal).get({ url });
}

describe('proxies from the environment', () => {
  it('sends an http request to the proxy named by http_proxy', async () => {
    const proxy = await startProxy();
    const target = await startTarget();
    process.env['http_proxy'] = proxy.url;

    const body = await (await get(`${target}/el9/repomd.xml`)).text();

    expect(body).toBe('target answered /el9/repomd.xml');
    expect(proxy.asked).toEqual([`GET ${target}/el9/repomd.xml`]);
  });

  it('reuses the proxy connection across clients', async () => {
    const proxy = await startProxy();
    const target = await startTarget();
    process.env['HTTP_PROXY'] = proxy.url;

    await (await get(`${target}/a`)).text();
    await (await get(`${target}/b`)).text();

    expect(proxy.asked).toHaveLength(2);
    expect(proxy.connections()).toBe(1);
  });

  it('tunnels an https request through the proxy named by HTTPS_PROXY with CONNECT', async () => {
    const proxy = await startProxy();
    let firstByte: number | undefined;
    const port = await servers.track(
      net.createServer((socket) =>
        socket.once('data', (data) => {
          firstByte = data[0];
          socket.destroy();
        }),
      ),
    );
    process.env['HTTPS_PROXY'] = proxy.url;

    const failure = await get(`https://127.0.0.1:${port}/repomd.xml`).catch((error: Error) => error);

    expect(proxy.asked).toEqual([`CONNECT 127.0.0.1:${port}`]);
    expect(firstByte).toBe(0x16); // a TLS handshake record arrived through the tunnel
    expect(failure).toMatchObject({ kind: 'transient', code: 'network' }); // the target speaks no TLS
  });

  it('goes direct to a host listed in NO_PROXY', async () => {
    const proxy = await startProxy();
    const target = await startTarget();
    process.env['HTTP_PROXY'] = proxy.url;
    process.env['NO_PROXY'] = 'repo.example.org,127.0.0.1';

    const body = await (await get(`${target}/direct`)).text();

    expect(body).toBe('target answered /direct');
    expect(proxy.asked).toEqual([]);
  });
});
