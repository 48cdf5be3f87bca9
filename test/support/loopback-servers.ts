import http from 'node:http';
import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { HttpClientSettings } from '../../server/src/plugins/protocol';
import { DEFAULT_OUTBOUND_DENY } from '../../server/src/config/outbound-rules';

/** HTTP client settings for tests: generous limits unless a test narrows one. */
export function testHttpSettings(overrides: Partial<HttpClientSettings> = {}): HttpClientSettings {
  return {
    connectTimeoutMs: 60_000,
    idleTimeoutMs: 60_000,
    maxBytes: 1_000_000,
    maxDecompressedBytes: 1_000_000,
    maxRedirects: 3,
    userAgent: 'baton-test/1.0',
    fileRoots: [],
    outbound: { deny: DEFAULT_OUTBOUND_DENY, allow: [] },
    ...overrides,
  };
}

/** Servers on free loopback ports that a test starts, all closed again by closeAll. */
export class LoopbackServers {
  private readonly servers: net.Server[] = [];
  private readonly sockets: net.Socket[] = [];

  /** Starts an HTTP server with the handler and returns its origin. */
  async serve(handler: http.RequestListener): Promise<string> {
    return `http://127.0.0.1:${await this.track(http.createServer(handler))}`;
  }

  /** Starts a server made elsewhere (plain net or HTTP) and returns its port. */
  async track(server: net.Server): Promise<number> {
    this.servers.push(server);
    // A plain net server has no closeAllConnections, and close waits for every open socket.
    server.on('connection', (socket: net.Socket) => this.sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  /** Drops every open connection and closes every server started so far. */
  async closeAll(): Promise<void> {
    for (const socket of this.sockets.splice(0)) socket.destroy();
    await Promise.all(
      this.servers.splice(0).map((server) => {
        if (server instanceof http.Server) server.closeAllConnections();
        return new Promise((resolve) => server.close(resolve));
      }),
    );
  }
}
