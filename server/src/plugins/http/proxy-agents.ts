import http from 'node:http';
import https from 'node:https';
import { getProxyForUrl } from 'proxy-from-env';
import { PermanentError } from '@baton/plugin-api';
import { redactUrl } from './redact-url';

// A free keep-alive socket is closed after this long, before most servers drop it themselves.
const FREE_SOCKET_TIMEOUT_MS = 15_000;

// Module-level, so that every client a worker creates shares connection pools (keep-alive).
const directAgents: Readonly<Record<string, http.Agent>> = {
  'http:': new http.Agent({ keepAlive: true, timeout: FREE_SOCKET_TIMEOUT_MS }),
  'https:': new https.Agent({ keepAlive: true, timeout: FREE_SOCKET_TIMEOUT_MS }),
};
const proxyAgents = new Map<string, Promise<http.Agent>>();

/**
 * The agent for a request to `target`: direct, or through the proxy that `HTTPS_PROXY`,
 * `HTTP_PROXY` and `NO_PROXY` (or their lower-case forms) name for it. An https target tunnels
 * through the proxy with CONNECT, so the proxy never sees the request; an http target is sent to
 * the proxy as a forward request.
 */
export function agentFor(target: URL): Promise<http.Agent> {
  const proxy = getProxyForUrl(target.href);
  if (proxy === '') return Promise.resolve(directAgents[target.protocol] ?? http.globalAgent);
  const key = `${target.protocol} ${proxy}`;
  let agent = proxyAgents.get(key);
  if (agent === undefined) {
    agent = createProxyAgent(target, proxy);
    proxyAgents.set(key, agent);
    agent.catch(() => proxyAgents.delete(key));
  }
  return agent;
}

async function createProxyAgent(target: URL, proxy: string): Promise<http.Agent> {
  let proxyUrl: URL;
  try {
    proxyUrl = new URL(proxy);
  } catch {
    const variable = target.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
    throw new PermanentError('invalid_proxy', `the proxy for ${redactUrl(target)} in ${variable} is not a valid URL`);
  }
  const options = { keepAlive: true, timeout: FREE_SOCKET_TIMEOUT_MS };
  // Both packages are ES modules only, which this CommonJS build loads with import().
  if (target.protocol === 'https:') {
    const { HttpsProxyAgent } = await import('https-proxy-agent');
    return new HttpsProxyAgent(proxyUrl, options);
  }
  const { HttpProxyAgent } = await import('http-proxy-agent');
  return new HttpProxyAgent(proxyUrl, options);
}
