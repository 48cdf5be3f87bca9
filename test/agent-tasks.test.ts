import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { HttpTask } from '../server/src/agents/task-definition';
import type { DbPipelineRunRow } from '../server/src/db/tables';
import type { PipelineDefinition } from '../server/src/pipelines/definitions/definition';
import { encryptVariable } from '../server/src/pipelines/definitions/secure-environment';
import { AgentHarness, oneJobPipeline, packageRevision } from './support/agent-harness';
import { DATABASE_KINDS } from './support/databases';
import { LoopbackServers } from './support/loopback-servers';

const PACKAGE_BYTES = randomBytes(200_000);
const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
const BASIC = `Basic ${Buffer.from(`reader:${PASSWORD}`).toString('base64')}`;
const digest = (algorithm: string) => createHash(algorithm).update(PACKAGE_BYTES).digest('hex');

interface Seen {
  path: string;
  method: string;
  authorization: string | undefined;
  body: string;
  header: string | undefined;
}

describe.each(DATABASE_KINDS)('fetch_package and http tasks [%s]', (kind) => {
  const servers = new LoopbackServers();
  const fileRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-file-repo-'));
  let harness: AgentHarness;
  let repository: string;
  let mirror: string;
  let ids: { repositoryId: string; packageId: string };
  let localIds: { repositoryId: string; packageId: string };
  const seen: Seen[] = [];

  const serve = (routes: (req: http.IncomingMessage, res: http.ServerResponse) => void) =>
    servers.serve((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        seen.push({
          path: req.url ?? '',
          method: req.method ?? '',
          authorization: req.headers.authorization,
          body,
          header: req.headers['x-release'] as string | undefined,
        });
        routes(req, res);
      });
    });
  const fetchRun = (name: string, data: Record<string, string>, from = ids): Promise<DbPipelineRunRow> =>
    harness.startRun(oneJobPipeline(name, [{ fetch_package: { material: 'app', destination: 'pkg' } }]), [packageRevision('app', from, '1.0.0', data)]);
  const fetched = (run: DbPipelineRunRow, file: string) => path.join(harness.workDir, run.pipeline_name, String(run.counter), 'qa-1', 'smoke', 'pkg', file);
  const seenAt = (prefix: string) => seen.filter((s) => s.path.startsWith(prefix));

  beforeAll(async () => {
    mirror = await serve((_req, res) => res.end(PACKAGE_BYTES));
    repository = await serve((req, res) => {
      if (req.headers.authorization !== BASIC) return res.writeHead(401).end();
      if (req.url === '/el9/moved.rpm') return res.writeHead(302, { location: `${mirror}/mirror/app.rpm` }).end();
      res.end(PACKAGE_BYTES);
    });
    fs.writeFileSync(path.join(fileRoot, 'local.rpm'), PACKAGE_BYTES);
    harness = await AgentHarness.open(kind);
    const repositoryId = await harness.addRepository('epel', { plain: { REPO_URL: `${repository}/el9`, USERNAME: 'reader' }, secure: { PASSWORD } });
    ids = { repositoryId, packageId: await harness.addPackage(repositoryId, 'app', {}) };
    const localId = await harness.addRepository('local', { plain: { URL: pathToFileURL(fileRoot).href } });
    localIds = { repositoryId: localId, packageId: await harness.addPackage(localId, 'app', {}) };
    harness.agent(await harness.queue(), { tasks: { fileRoots: [fileRoot], killGraceMs: 1000, userAgent: 'baton-test' } });
  });

  afterAll(async () => {
    await harness?.close();
    await servers.closeAll();
    fs.rmSync(fileRoot, { recursive: true, force: true });
  });

  it('downloads the revision’s LOCATION with the repository’s credentials and verifies its CHECKSUM', async () => {
    const run = await fetchRun('fetch-good', { LOCATION: `${repository}/el9/app-1.0.0.rpm`, CHECKSUM: `sha256:${digest('sha256')}` });

    const job = await harness.waitForJob(run.id, 'qa', 'smoke');

    expect(job.state).toBe('passed');
    expect(fs.readFileSync(fetched(run, 'app-1.0.0.rpm')).equals(PACKAGE_BYTES)).toBe(true);
    expect(seenAt('/el9/app-1.0.0.rpm').map((s) => s.authorization)).toEqual([BASIC]);
    expect(await harness.jobConsole.text(job.id)).toContain('sha256 checksum verified');
  });

  it.each(['sha1', 'sha512', 'md5'])('verifies a %s CHECKSUM', async (algorithm) => {
    const run = await fetchRun(`fetch-${algorithm}`, { LOCATION: `${repository}/el9/app.rpm`, CHECKSUM: `${algorithm}:${digest(algorithm)}` });

    expect((await harness.waitForJob(run.id, 'qa', 'smoke')).state).toBe('passed');
  });

  it('fails on a CHECKSUM that does not match, and keeps no file', async () => {
    const run = await fetchRun('fetch-bad', { LOCATION: `${repository}/el9/app-1.0.0.rpm`, CHECKSUM: `sha256:${'0'.repeat(64)}` });

    const job = await harness.waitForJob(run.id, 'qa', 'smoke');

    expect(job.state).toBe('failed');
    expect(job.result).toContain('does not match its CHECKSUM');
    expect(fs.existsSync(fetched(run, 'app-1.0.0.rpm'))).toBe(false);
  });

  it('masks secure values in a failed job’s result, as in its console', async () => {
    const run = await fetchRun('fetch-quoting', { LOCATION: `${repository.replace('://', `://reader:${PASSWORD}@`)}/el9/app-1.0.0.rpm` });

    const job = await harness.waitForJob(run.id, 'qa', 'smoke');

    expect(job.state).toBe('failed');
    expect(job.result).toContain('reader:***@');
    expect(await harness.jobConsole.text(job.id)).not.toContain(PASSWORD);
  });

  it('sends the credentials to the repository’s origin only, not along a redirect to another origin', async () => {
    const run = await fetchRun('fetch-redirected', { LOCATION: `${repository}/el9/moved.rpm` });

    const job = await harness.waitForJob(run.id, 'qa', 'smoke');

    expect(job.state).toBe('passed');
    expect(seenAt('/el9/moved.rpm').map((s) => s.authorization)).toEqual([BASIC]);
    expect(seenAt('/mirror/app.rpm').map((s) => s.authorization)).toEqual([undefined]);
    expect(fs.readFileSync(fetched(run, 'moved.rpm')).equals(PACKAGE_BYTES)).toBe(true);
  });

  it('sends no credentials to a LOCATION on another origin', async () => {
    const run = await fetchRun('fetch-elsewhere', { LOCATION: `${mirror}/elsewhere/app.rpm` });

    expect((await harness.waitForJob(run.id, 'qa', 'smoke')).state).toBe('passed');
    expect(seenAt('/elsewhere/app.rpm').map((s) => s.authorization)).toEqual([undefined]);
  });

  describe('with credentials and integrity as a registry plugin declares them', () => {
    const TOKEN = `tok-${randomBytes(6).toString('hex')}`;
    const integrity = (algorithm: string, bytes = PACKAGE_BYTES) => `${algorithm}-${createHash(algorithm).update(bytes).digest('base64')}`;
    let registry: string;
    let registryIds: { repositoryId: string; packageId: string };

    beforeAll(async () => {
      registry = await serve((req, res) => {
        if (req.headers.authorization !== `Bearer ${TOKEN}`) return res.writeHead(401).end();
        if (req.url === '/app/-/moved.tgz') return res.writeHead(302, { location: `${mirror}/cdn/app.tgz` }).end();
        res.end(PACKAGE_BYTES);
      });
      harness.fetchCredentials.set('registry-like', {
        urlKey: 'REGISTRY_URL',
        bearer: { token: 'AUTH_TOKEN' },
        basic: { username: 'USERNAME', password: 'PASSWORD' },
      });
      const repositoryId = await harness.addRepository(
        'registry',
        { plain: { REGISTRY_URL: `${registry}/`, USERNAME: 'reader' }, secure: { AUTH_TOKEN: TOKEN, PASSWORD } },
        'registry-like',
      );
      registryIds = { repositoryId, packageId: await harness.addPackage(repositoryId, 'app', {}) };
    });

    it('sends the declared token as Bearer to the declared origin, and verifies INTEGRITY (sha512) and CHECKSUM both', async () => {
      const data = { LOCATION: `${registry}/app/-/app-1.0.0.tgz`, INTEGRITY: `sha1-abc= ${integrity('sha512')}`, CHECKSUM: `sha512:${digest('sha512')}` };
      const run = await fetchRun('fetch-bearer', data, registryIds);

      const job = await harness.waitForJob(run.id, 'qa', 'smoke');

      expect(job.state).toBe('passed');
      expect(seenAt('/app/-/app-1.0.0.tgz').map((s) => s.authorization)).toEqual([`Bearer ${TOKEN}`]);
      expect(await harness.jobConsole.text(job.id)).toContain('sha512 checksum and sha512 integrity verified');
      expect(await harness.jobConsole.text(job.id)).not.toContain(TOKEN);
    });

    it('sends the token to no other origin, along a redirect or not', async () => {
      const run = await fetchRun('fetch-bearer-moved', { LOCATION: `${registry}/app/-/moved.tgz`, INTEGRITY: integrity('sha256') }, registryIds);

      const job = await harness.waitForJob(run.id, 'qa', 'smoke');

      expect(job.state).toBe('passed');
      expect(seenAt('/app/-/moved.tgz').map((s) => s.authorization)).toEqual([`Bearer ${TOKEN}`]);
      expect(seenAt('/cdn/app.tgz').map((s) => s.authorization)).toEqual([undefined]);
      expect(await harness.jobConsole.text(job.id)).toContain('sha256 integrity verified');
    });

    it('fails on an INTEGRITY that does not match, and keeps no file', async () => {
      const data = { LOCATION: `${registry}/app/-/app-1.0.1.tgz`, INTEGRITY: integrity('sha512', Buffer.from('other bytes')) };
      const run = await fetchRun('fetch-integrity-bad', data, registryIds);

      const job = await harness.waitForJob(run.id, 'qa', 'smoke');

      expect(job.state).toBe('failed');
      expect(job.result).toContain(`does not match its INTEGRITY: expected ${data.INTEGRITY}, got ${integrity('sha512')}`);
      expect(fs.existsSync(fetched(run, 'app-1.0.1.tgz'))).toBe(false);
    });

    it('refuses an INTEGRITY that names no hash it can check', async () => {
      const run = await fetchRun('fetch-integrity-unknown', { LOCATION: `${registry}/app/-/app-1.0.2.tgz`, INTEGRITY: 'md5-abc=' }, registryIds);

      const job = await harness.waitForJob(run.id, 'qa', 'smoke');

      expect(job.state).toBe('failed');
      expect(job.result).toContain("INTEGRITY 'md5-abc=' names no hash that can be checked");
      expect(seenAt('/app/-/app-1.0.2.tgz')).toEqual([]);
    });

    it('sends Basic credentials when the repository has no token, as the declaration allows', async () => {
      const repositoryId = await harness.addRepository(
        'registry-basic',
        { plain: { REGISTRY_URL: `${repository}/el9/`, USERNAME: 'reader' }, secure: { PASSWORD } },
        'registry-like',
      );
      const basicIds = { repositoryId, packageId: await harness.addPackage(repositoryId, 'app', {}) };

      const run = await fetchRun('fetch-declared-basic', { LOCATION: `${repository}/el9/declared.rpm` }, basicIds);

      expect((await harness.waitForJob(run.id, 'qa', 'smoke')).state).toBe('passed');
      expect(seenAt('/el9/declared.rpm').map((s) => s.authorization)).toEqual([BASIC]);
    });
  });

  it('fails a fetch_package of a package the run does not carry, naming those it does', async () => {
    const pipeline = oneJobPipeline('fetch-unknown', [{ fetch_package: { material: 'qa/app' } }]);
    const run = await harness.startRun(pipeline, [packageRevision('app', ids, '1.0.0', { LOCATION: `${repository}/el9/app-1.0.0.rpm` })]);

    const job = await harness.waitForJob(run.id, 'qa', 'smoke');

    expect(job.state).toBe('failed');
    expect(job.result).toContain(
      "the run has no package named 'qa/app' (its packages: app; one that came with an upstream run is named <upstream pipeline>/<material>)",
    );
  });

  it("reads a file: repository's file: LOCATION under BATON_FILE_REPO_ROOTS and refuses one elsewhere", async () => {
    const outside = path.join(harness.workDir, 'outside.rpm');
    fs.writeFileSync(outside, PACKAGE_BYTES);
    const inside = await fetchRun(
      'file-inside',
      { LOCATION: pathToFileURL(path.join(fileRoot, 'local.rpm')).href, CHECKSUM: `md5:${digest('md5')}` },
      localIds,
    );
    const elsewhere = await fetchRun('file-outside', { LOCATION: pathToFileURL(outside).href }, localIds);

    const [allowed, refused] = [await harness.waitForJob(inside.id, 'qa', 'smoke'), await harness.waitForJob(elsewhere.id, 'qa', 'smoke')];

    expect(allowed.state).toBe('passed');
    expect(fs.readFileSync(fetched(inside, 'local.rpm')).equals(PACKAGE_BYTES)).toBe(true);
    expect(refused.state).toBe('failed');
    expect(refused.result).toContain('BATON_FILE_REPO_ROOTS');
  });

  it('refuses a file: LOCATION reported for an http repository, even under BATON_FILE_REPO_ROOTS', async () => {
    const run = await fetchRun('file-from-http', { LOCATION: pathToFileURL(path.join(fileRoot, 'local.rpm')).href });

    const job = await harness.waitForJob(run.id, 'qa', 'smoke');

    expect(job.state).toBe('failed');
    expect(job.result).toContain('its repository is not a folder');
    expect(fs.existsSync(fetched(run, 'local.rpm'))).toBe(false);
  });

  it('passes an http task answered 2xx and shows the status and the body in the console', async () => {
    const hook = await serve((_req, res) => res.writeHead(202, { 'content-type': 'text/plain' }).end('promotion accepted'));
    const task: HttpTask = { http: { method: 'POST', url: `${hook}/promote`, headers: { 'x-release': '1.0.0' }, body: '{"level":"qa"}' } };
    const run = await harness.startRun(oneJobPipeline('http-ok', [task]), [packageRevision('app', ids, '1.0.0', {})]);

    const job = await harness.waitForJob(run.id, 'qa', 'smoke');

    expect(job.state).toBe('passed');
    expect(seenAt('/promote')).toEqual([{ path: '/promote', method: 'POST', authorization: undefined, body: '{"level":"qa"}', header: '1.0.0' }]);
    const text = await harness.jobConsole.text(job.id);
    expect(text).toContain('answered 202 Accepted');
    expect(text).toContain('promotion accepted');
  });

  it('puts the job’s variables into an http task’s url, headers and body, secure ones masked in the console', async () => {
    const token = `hook-${randomBytes(6).toString('hex')}`;
    const hook = await serve((_req, res) => res.writeHead(200).end('ok'));
    const task: HttpTask = {
      http: {
        method: 'PUT',
        url: `${hook}/levels/\${GO_STAGE_NAME}`,
        headers: { authorization: 'Bearer ${HOOK_TOKEN}' },
        body: '{"revision":"${GO_PACKAGE_APP_LABEL}"}',
      },
    };
    const definition: PipelineDefinition = {
      ...oneJobPipeline('http-variables', [task]),
      secure_environment: { HOOK_TOKEN: { encrypted_value: encryptVariable(harness.box, token, 'http-variables', 'HOOK_TOKEN') } },
    };
    const run = await harness.startRun(definition, [packageRevision('app', ids, '2.0.0', {})]);

    const job = await harness.waitForJob(run.id, 'qa', 'smoke');

    expect(job.state).toBe('passed');
    expect(seenAt('/levels/')).toEqual([
      { path: '/levels/qa', method: 'PUT', authorization: `Bearer ${token}`, body: '{"revision":"2.0.0"}', header: undefined },
    ]);
    expect(await harness.jobConsole.text(job.id)).not.toContain(token);
  });

  it('masks a secure value in every form an http task writes it: URL-encoded in the url, in base64, JSON-escaped in an answer', async () => {
    const secret = `a b&c/d"e-${randomBytes(6).toString('hex')}`;
    const hook = await serve((req, res) => {
      const query = decodeURIComponent(new URL(req.url ?? '/', 'http://hook.invalid').search);
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ url: req.url, query, authorization: req.headers.authorization }));
    });
    const task = { http: { url: `${hook}/notify?token=\${HOOK_TOKEN}`, headers: { authorization: `Basic \${BASIC_AUTH}` } } };
    const definition: PipelineDefinition = {
      ...oneJobPipeline('http-encoded', [task]),
      secure_environment: {
        HOOK_TOKEN: { encrypted_value: encryptVariable(harness.box, secret, 'http-encoded', 'HOOK_TOKEN') },
        BASIC_AUTH: { encrypted_value: encryptVariable(harness.box, Buffer.from(`hook:${secret}`).toString('base64'), 'http-encoded', 'BASIC_AUTH') },
      },
    };
    const run = await harness.startRun(definition, [packageRevision('app', ids, '1.0.0', {})]);

    const job = await harness.waitForJob(run.id, 'qa', 'smoke');

    const text = await harness.jobConsole.text(job.id);
    const secretPart = secret.slice(secret.indexOf('-'));
    expect(seenAt('/notify').map((s) => s.path.includes(secretPart))).toEqual([true]);
    expect(job.state).toBe('failed');
    expect(job.result).toContain('/notify?token=***');
    expect(text).toContain('/notify?token=***');
    for (const form of [secret, encodeURIComponent(secret), new URL(`${hook}/?t=${secret}`).search, JSON.stringify(secret).slice(1, -1)]) {
      expect(text).not.toContain(form);
      expect(job.result).not.toContain(form);
    }
    expect(text).not.toContain(secretPart);
    expect(text).not.toContain(Buffer.from(`hook:${secret}`).toString('base64').slice(8, 24));
  });

  it('masks a multi-line secure value echoed by an exec task, and one that its output splits across lines', async () => {
    const lines = [`first-${randomBytes(6).toString('hex')}`, `second-${randomBytes(6).toString('hex')}`];
    const wrapped = `wrap-${randomBytes(12).toString('hex')}`;
    // The two halves of WRAPPED come in two writes, far enough apart to be sent in two batches.
    const script = 'printf "%s\\n" "$MULTI"; printf "%s\\n" "$WRAPPED" | cut -c1-11; sleep 0.6; printf "%s\\n" "$WRAPPED" | cut -c12-';
    const definition: PipelineDefinition = {
      ...oneJobPipeline('exec-multi-line', [{ exec: { command: 'sh', arguments: ['-c', script] } }]),
      secure_environment: {
        MULTI: { encrypted_value: encryptVariable(harness.box, lines.join('\n'), 'exec-multi-line', 'MULTI') },
        WRAPPED: { encrypted_value: encryptVariable(harness.box, wrapped, 'exec-multi-line', 'WRAPPED') },
      },
    };
    const run = await harness.startRun(definition, [packageRevision('app', ids, '1.0.0', {})]);

    const job = await harness.waitForJob(run.id, 'qa', 'smoke');

    const text = await harness.jobConsole.text(job.id);
    expect(job.state).toBe('passed');
    for (const part of [...lines, wrapped.slice(0, 11), wrapped.slice(11)]) expect(text).not.toContain(part);
    expect(text).toContain('***\n***\n');
  });

  it('fails an http task that names a variable the job does not have, without sending it', async () => {
    const hook = await serve((_req, res) => res.writeHead(200).end('ok'));
    const run = await harness.startRun(oneJobPipeline('http-unknown', [{ http: { url: `${hook}/unknown/\${NO_SUCH_VARIABLE}` } }]), [
      packageRevision('app', ids, '1.0.0', {}),
    ]);

    const job = await harness.waitForJob(run.id, 'qa', 'smoke');

    expect(job.state).toBe('failed');
    expect(job.result).toContain('url: the job has no variable NO_SUCH_VARIABLE');
    expect(seenAt('/unknown')).toEqual([]);
  });

  it('fails an http task answered 500', async () => {
    const hook = await serve((_req, res) => res.writeHead(500).end('down for maintenance'));
    const definition: PipelineDefinition = oneJobPipeline('http-500', [
      { http: { url: `${hook}/status` } },
      { exec: { command: 'sh', arguments: ['-c', 'echo after'] } },
    ]);
    const run = await harness.startRun(definition, [packageRevision('app', ids, '1.0.0', {})]);

    const job = await harness.waitForJob(run.id, 'qa', 'smoke');

    expect(job.state).toBe('failed');
    expect(job.result).toContain('answered 500');
    const text = await harness.jobConsole.text(job.id);
    expect(text).toContain('down for maintenance');
    expect(text).not.toContain('\nafter\n');
  });
});
