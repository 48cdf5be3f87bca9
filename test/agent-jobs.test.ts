import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { PipelineDefinition } from '../server/src/pipelines/definitions/definition';
import type { MaterialRevision } from '../server/src/pipelines/runs/run-model';
import { encryptVariable } from '../server/src/pipelines/definitions/secure-environment';
import { AgentHarness, oneJobPipeline, packageRevision } from './support/agent-harness';
import { DATABASE_KINDS } from './support/databases';

const REPO_PASSWORD = `repo-pw-${randomBytes(8).toString('hex')}`;
const VARIABLE_SECRET = `var-secret-${randomBytes(8).toString('hex')}`;
const SERVER_SECRET_KEY = randomBytes(32).toString('base64');

function readEnvFile(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) env[line.slice(0, at)] = line.slice(at + 1);
  }
  return env;
}

describe.each(DATABASE_KINDS)('the built-in agent runs jobs [%s]', (kind) => {
  let harness: AgentHarness;
  let app: MaterialRevision;
  const saved = { key: process.env['BATON_SECRET_KEY'], url: process.env['DATABASE_URL'] };

  beforeAll(async () => {
    // The server's own secrets are in this process's environment: the job must not see them.
    process.env['BATON_SECRET_KEY'] = SERVER_SECRET_KEY;
    process.env['DATABASE_URL'] = 'postgres://baton:hunter2@db.example.org/baton';
    harness = await AgentHarness.open(kind);
    const repositoryId = await harness.addRepository('epel', {
      plain: { REPO_URL: 'http://repo.example.org/el9', USERNAME: 'reader' },
      secure: { PASSWORD: REPO_PASSWORD },
    });
    const packageId = await harness.addPackage(repositoryId, 'scrt', { plain: { PACKAGE_SPEC: 'scrt-0.*' } });
    app = packageRevision('app', { repositoryId, packageId }, 'scrt-0.3.4-1.x86_64', {
      LOCATION: 'http://repo.example.org/el9/scrt-0.3.4-1.x86_64.rpm',
      CHECKSUM: 'sha256:' + 'ab'.repeat(32),
    });
    harness.agent(await harness.queue());
  });

  afterAll(async () => {
    await harness?.close();
    process.env['BATON_SECRET_KEY'] = saved.key;
    process.env['DATABASE_URL'] = saved.url;
    if (saved.key === undefined) delete process.env['BATON_SECRET_KEY'];
    if (saved.url === undefined) delete process.env['DATABASE_URL'];
  });

  it('passes a job whose commands exit 0, and its stage with it', async () => {
    const run = await harness.startRun(oneJobPipeline('passing', [{ exec: { command: 'sh', arguments: ['-c', 'echo hello from the job'] } }]), [app]);

    const job = await harness.waitForJob(run.id, 'qa', 'smoke');

    expect(job.state).toBe('passed');
    expect((await harness.stage(run.id, 'qa')).state).toBe('passed');
    const text = await harness.jobConsole.text(job.id);
    expect(text).toContain('hello from the job');
    expect(text).toContain('[baton] task 1/1: exec');
  });

  it('fails a job at its first failing task, and its stage with it', async () => {
    const tasks = [{ exec: { command: 'sh', arguments: ['-c', 'exit 3'] } }, { exec: { command: 'sh', arguments: ['-c', 'echo never printed'] } }];
    const run = await harness.startRun(oneJobPipeline('failing', tasks), [app]);

    const job = await harness.waitForJob(run.id, 'qa', 'smoke');

    expect(job.state).toBe('failed');
    expect(job.result).toContain('exited with code 3');
    expect((await harness.stage(run.id, 'qa')).state).toBe('failed');
    expect(await harness.jobConsole.text(job.id)).not.toContain('never printed');
  });

  it('gives the job its GoCD environment and nothing of the server’s', async () => {
    const definition: PipelineDefinition = {
      ...oneJobPipeline('env-check', [{ exec: { command: 'sh', arguments: ['-c', 'env > "$HOME/env.txt"'] } }]),
      environment: { REGION: 'eu-west-1', TIER: 'pipeline' },
      secure_environment: { DEPLOY_TOKEN: { encrypted_value: encryptVariable(harness.box, VARIABLE_SECRET, 'env-check', 'DEPLOY_TOKEN') } },
    };
    definition.stages[0].jobs[0].environment = { TIER: 'job', ZONE: 'a' };
    definition.stages[0].jobs[0].overridable = ['ZONE'];
    const upstream: MaterialRevision = {
      type: 'pipeline',
      name: 'build-app',
      pipeline: 'build-app',
      stage: 'package',
      counter: 12,
      stage_counter: 2,
      label: '12-abc',
      changed: true,
    };
    const run = await harness.startRun(definition, [app, upstream], { overrides: { ZONE: 'b' }, by: 'carol' });

    const job = await harness.waitForJob(run.id, 'qa', 'smoke');

    expect(job.state).toBe('passed');
    const home = path.join(harness.workDir, 'env-check', String(run.counter), 'qa-1', 'smoke');
    const env = readEnvFile(path.join(home, 'env.txt'));
    expect(env).toMatchObject({
      GO_PACKAGE_APP_LABEL: 'scrt-0.3.4-1.x86_64',
      GO_PACKAGE_APP_LOCATION: 'http://repo.example.org/el9/scrt-0.3.4-1.x86_64.rpm',
      GO_PACKAGE_APP_CHECKSUM: 'sha256:' + 'ab'.repeat(32),
      GO_PACKAGE_APP_PACKAGE_SPEC: 'scrt-0.*',
      GO_REPO_APP_REPO_URL: 'http://repo.example.org/el9',
      GO_REPO_APP_USERNAME: 'reader',
      GO_REPO_APP_PASSWORD: REPO_PASSWORD,
      GO_DEPENDENCY_LABEL_BUILD_APP: '12-abc',
      GO_DEPENDENCY_LOCATOR_BUILD_APP: 'build-app/12/package/2',
      GO_PIPELINE_NAME: 'env-check',
      GO_PIPELINE_COUNTER: String(run.counter),
      GO_PIPELINE_LABEL: run.label,
      GO_STAGE_NAME: 'qa',
      GO_STAGE_COUNTER: '1',
      GO_JOB_NAME: 'smoke',
      GO_TRIGGER_USER: 'carol',
      REGION: 'eu-west-1',
      DEPLOY_TOKEN: VARIABLE_SECRET,
      TIER: 'job',
      ZONE: 'b',
      HOME: home,
      PATH: process.env['PATH'],
    });
    expect(env['BATON_SECRET_KEY']).toBeUndefined();
    expect(env['DATABASE_URL']).toBeUndefined();
    expect(env['TEST_DATABASE_URL']).toBeUndefined();
    const fromServer = Object.keys(env).filter((key) => key in process.env && !['PATH', 'HOME', 'PWD', 'SHLVL', '_', 'OLDPWD'].includes(key));
    expect(fromServer).toEqual([]);
    expect(fs.readFileSync(path.join(home, 'env.txt'), 'utf8')).not.toContain(SERVER_SECRET_KEY);
  });

  it('masks secure values in the console, also when one is printed in two pieces', async () => {
    const half = Math.floor(VARIABLE_SECRET.length / 2);
    const script = [
      'echo "repository: $GO_REPO_APP_PASSWORD"',
      'echo "variable: $DEPLOY_TOKEN"',
      'printf "%s" "$FIRST_HALF"',
      'sleep 0.6',
      'printf "%s\\n" "$SECOND_HALF"',
    ].join('; ');
    const definition: PipelineDefinition = {
      ...oneJobPipeline('masking', [{ exec: { command: 'sh', arguments: ['-c', script] } }]),
      secure_environment: { DEPLOY_TOKEN: { encrypted_value: encryptVariable(harness.box, VARIABLE_SECRET, 'masking', 'DEPLOY_TOKEN') } },
      overridable: ['FIRST_HALF', 'SECOND_HALF'],
    };
    const halves = { FIRST_HALF: VARIABLE_SECRET.slice(0, half), SECOND_HALF: VARIABLE_SECRET.slice(half) };
    const run = await harness.startRun(definition, [app], { overrides: halves });

    const job = await harness.waitForJob(run.id, 'qa', 'smoke');

    const text = await harness.jobConsole.text(job.id);
    expect(job.state).toBe('passed');
    expect(text).toContain('repository: ***');
    expect(text).toContain('variable: ***');
    expect(text).not.toContain(REPO_PASSWORD);
    expect(text).not.toContain(VARIABLE_SECRET);
    expect(text).not.toContain(halves.FIRST_HALF);
    expect(text.match(/\*\*\*/g)).toHaveLength(3);
  });

  it('never lets a run’s overrides replace a protected variable, even when its stored definition lists them', async () => {
    const marker = path.join(harness.workDir, 'bash-env-ran');
    const script = path.join(harness.workDir, 'bash-env.sh');
    fs.writeFileSync(script, `touch '${marker}'\n`);
    const protectedOverrides = {
      BASH_ENV: script,
      PATH: '/nowhere',
      LD_PRELOAD: '/nowhere/evil.so',
      GO_TRIGGER_USER: 'release-manager',
      GO_PACKAGE_APP_LABEL: 'evil-9.9',
    };
    const definition = oneJobPipeline('protected', [{ exec: { command: 'bash', arguments: ['-c', 'env > "$HOME/env.txt"'] } }], {
      overridable: Object.keys(protectedOverrides),
    });
    const run = await harness.startRun(definition, [app], { overrides: protectedOverrides, by: 'carol' });

    const job = await harness.waitForJob(run.id, 'qa', 'smoke');

    expect(job.state).toBe('passed');
    const env = readEnvFile(path.join(harness.workDir, 'protected', String(run.counter), 'qa-1', 'smoke', 'env.txt'));
    expect(env).toMatchObject({ PATH: process.env['PATH'], GO_TRIGGER_USER: 'carol', GO_PACKAGE_APP_LABEL: 'scrt-0.3.4-1.x86_64' });
    expect(env['BASH_ENV']).toBeUndefined();
    expect(env['LD_PRELOAD']).toBeUndefined();
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('gives an override of a secure variable to the jobs that list it, masked like the variable', async () => {
    const replacement = `override-${randomBytes(8).toString('hex')}`;
    const definition: PipelineDefinition = {
      ...oneJobPipeline('secure-override', [
        { exec: { command: 'sh', arguments: ['-c', 'echo "token: $DEPLOY_TOKEN"; echo "$DEPLOY_TOKEN" > "$HOME/token.txt"'] } },
      ]),
      secure_environment: { DEPLOY_TOKEN: { encrypted_value: encryptVariable(harness.box, VARIABLE_SECRET, 'secure-override', 'DEPLOY_TOKEN') } },
    };
    definition.stages[0].jobs[0].overridable = ['DEPLOY_TOKEN'];
    const overrides = { DEPLOY_TOKEN: { encrypted_value: encryptVariable(harness.box, replacement, 'secure-override', 'DEPLOY_TOKEN') } };
    const run = await harness.startRun(definition, [app], { overrides });

    const job = await harness.waitForJob(run.id, 'qa', 'smoke');

    expect(job.state).toBe('passed');
    const text = await harness.jobConsole.text(job.id);
    expect(text).toContain('token: ***');
    expect(text).not.toContain(replacement);
    expect(fs.readFileSync(path.join(harness.workDir, 'secure-override', String(run.counter), 'qa-1', 'smoke', 'token.txt'), 'utf8').trim()).toBe(replacement);
  });

  it('refuses a working directory outside the job’s folder', async () => {
    const run = await harness.startRun(
      oneJobPipeline('escape', [{ exec: { command: 'sh', arguments: ['-c', 'touch escaped'], working_directory: '../..' } }]),
      [app],
    );

    const job = await harness.waitForJob(run.id, 'qa', 'smoke');

    expect(job.state).toBe('failed');
    expect(job.result).toContain("working_directory '../..' is outside the job's folder");
    expect(fs.existsSync(path.join(harness.workDir, 'escape', String(run.counter), 'escaped'))).toBe(false);
  });
});
