import { Type, type TString } from '@sinclair/typebox';
import type { Response } from 'express';
import { JOB_FAILED_LINE, JOB_PASSED_LINE } from '../../agents/job-runner';
import { InvalidInput, NotFound } from '../../domain-errors';
import type { JobAddress, JobConsoleStore } from '../../pipelines/jobs/job-console-store';
import { StringEnum } from '../../schema-components';
import { defineRoute, type RouteDefinition, type RouteContext, type RouteResult } from '../route';

const PAGE_PIECES = 200;
const FOLLOW_POLL_MS = 500;
/** How long a follower waits for the last lines of a job cancelled while it ran (its processes get a kill grace). */
const CANCELLED_TAIL_MS = 15_000;
/** The line the agent ends every job's log with (never the first line's "job <pipeline>/…"). */
const JOB_END = [`[baton] ${JOB_PASSED_LINE}\n`, `[baton] ${JOB_FAILED_LINE}`];
const NAME = Type.String({ pattern: '^[A-Za-z0-9._-]{1,255}$' });
const COUNTER = Type.String({ pattern: '^[0-9]{1,9}$' });
const CONSOLE_QUERY = {
  follow: { description: 'false: answer the log as it is now, without following it (default true).', schema: StringEnum(['true', 'false']) },
};

function counterParam(name: string, value: string | undefined): number {
  if (value === undefined || !/^[0-9]{1,9}$/.test(value)) throw new NotFound(`${name} must be a whole number`);
  return Number(value);
}

function followParam(value: string | undefined): boolean {
  if (value === undefined || value === 'true') return true;
  if (value === 'false') return false;
  throw InvalidInput.field('follow', 'follow must be true or false');
}

/** A job's console log as plain text; while the job runs, the answer follows the log until the job is final. */
export function consoleRoutes(jobConsole: JobConsoleStore): RouteDefinition[] {
  const common = {
    method: 'get',
    tag: 'runs',
    access: 'viewer',
    query: CONSOLE_QUERY,
    responses: { 200: { description: 'The log, masked; chunked while it is followed.', contentType: 'text/plain', schema: Type.String() } },
  } as const;
  return [
    defineRoute({
      ...common,
      path: '/api/pipelines/:name/runs/:counter/stages/:stage/jobs/:job/console',
      operationId: 'getJobConsole',
      summary: 'A job’s console log (the latest attempt of its stage), followed live while it runs',
      params: { name: NAME, counter: COUNTER, stage: NAME, job: NAME },
      handler: (context) => serveConsole(jobConsole, context, null),
    }),
    defineRoute({
      ...common,
      path: '/api/pipelines/:name/runs/:counter/stages/:stage/:stage_counter/jobs/:job/console',
      operationId: 'getJobAttemptConsole',
      summary: 'A job’s console log in one attempt of its stage, followed live while it runs',
      params: { name: NAME, counter: COUNTER, stage: NAME, stage_counter: COUNTER, job: NAME },
      handler: (context) => serveConsole(jobConsole, context, counterParam('stage_counter', context.params.stage_counter)),
    }),
  ];
}

type ConsoleContext = RouteContext<Record<'name' | 'counter' | 'stage' | 'job', TString>, typeof CONSOLE_QUERY>;

/** `stageCounter`: one attempt of the stage, or null for its latest. */
async function serveConsole(
  jobConsole: JobConsoleStore,
  { params, query, response }: ConsoleContext,
  stageCounter: number | null,
): Promise<RouteResult<never>> {
  const follow = followParam(query.follow);
  const address: JobAddress = {
    pipeline: params.name,
    counter: counterParam('counter', params.counter),
    stage: params.stage,
    stageCounter,
    job: params.job,
  };
  const jobId = await jobConsole.locate(address);
  response.status(200);
  response.setHeader('Content-Type', 'text/plain; charset=utf-8');
  response.setHeader('Cache-Control', 'no-cache, no-transform');
  response.setHeader('X-Accel-Buffering', 'no');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.flushHeaders();
  // Once the answer has begun, a failure can only cut it short.
  streamLog(jobConsole, jobId, follow, response).then(
    () => response.end(),
    (error: unknown) => response.destroy(error as Error),
  );
  return { status: 200, handled: true };
}

async function streamLog(jobConsole: JobConsoleStore, jobId: string, follow: boolean, response: Response): Promise<void> {
  // The client may have gone already (before this listener existed): `destroyed` says so too.
  let closed = response.destroyed;
  response.once('close', () => (closed = true));
  let seq = 0;
  let ended = false;
  let tailUntil: number | null = null;
  while (!closed && !response.destroyed) {
    const page = await jobConsole.read(jobId, seq, PAGE_PIECES);
    for (const piece of page.pieces) {
      seq = piece.seq;
      ended ||= JOB_END.some((line) => piece.content.includes(line));
      if (!response.write(piece.content)) await drained(response);
    }
    if (page.pieces.length === PAGE_PIECES) continue;
    if (!follow) return;
    if (page.final) {
      // A job cancelled while it ran is final before its agent has written how it ended.
      if (ended || !page.cancelledWhileRunning) return;
      tailUntil ??= Date.now() + CANCELLED_TAIL_MS;
      if (Date.now() >= tailUntil) return;
    }
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
  }
}

function drained(response: Response): Promise<void> {
  if (response.destroyed || response.writableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.once('drain', done);
    response.once('close', done);
  });
}
