import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { roots, singleton } from './container-registration';
import { LocalAgent } from './agents/local-agent';
import { Signals } from './events/signals';
import { ConfigurationCodec } from './materials/configuration-codec';
import { Metrics } from './metrics/metrics';
import { StoredMaterialReader } from './materials/material-reader';
import { PackageStore } from './materials/package-store';
import { RepositoryStore } from './materials/repository-store';
import { JobAssignments } from './pipelines/jobs/job-assignments';
import { JobConsoleStore } from './pipelines/jobs/job-console-store';
import { JobQueue } from './pipelines/jobs/job-queue';
import { JobReaper } from './pipelines/jobs/job-reaper';
import { StageMachine } from './pipelines/runs/stage-machine';
import { OutboundPolicy } from './security/outbound-policy';

const KILL_GRACE_MS = 5000;

/** The job queue, its reaper, job consoles and the built-in agent: part of the composition root. */
export function registerAgents(c: DependencyContainer): void {
  const single = <T>(token: InjectionToken<T>, make: (r: DependencyContainer) => T) => singleton(c, token, make);
  const { database: db, settings, logger } = roots;

  single(JobConsoleStore, (r) => new JobConsoleStore(db(r)));
  single(StoredMaterialReader, (r) => {
    return new StoredMaterialReader(r.resolve(RepositoryStore), r.resolve(PackageStore), r.resolve(ConfigurationCodec), roots.plugins(r));
  });
  single(JobAssignments, (r) => new JobAssignments(r.resolve(StoredMaterialReader), roots.secretBox(r)));
  single(JobQueue, (r) => {
    // A job's end may have written events and scheduled the next stage's jobs.
    const signals = r.resolve(Signals);
    const jobsChanged = () => {
      signals.eventsWritten();
      signals.jobsScheduled();
    };
    const metrics = r.resolve(Metrics).pipelines;
    const observer = { jobsChanged, jobCompleted: metrics.jobCompleted.bind(metrics) };
    const options = { leaseSeconds: settings(r).jobLeaseSeconds };
    return new JobQueue(db(r), r.resolve(StageMachine), r.resolve(JobAssignments), r.resolve(JobConsoleStore), options, observer, logger(r, 'jobs'));
  });
  single(JobReaper, (r) => {
    const intervalMs = Math.min(30_000, Math.max(1000, (settings(r).jobLeaseSeconds * 1000) / 2));
    return new JobReaper(r.resolve(JobQueue), intervalMs, logger(r, 'jobs'));
  });
  single(LocalAgent, (r) => {
    const s = settings(r);
    return new LocalAgent(
      r.resolve(JobQueue),
      {
        owner: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
        concurrency: s.agentConcurrency,
        workDir: s.workDir,
        leaseSeconds: s.jobLeaseSeconds,
        shutdownGraceMs: s.shutdownGraceMs,
        keepFolders: s.keepJobFolders,
        // Other processes schedule jobs only on a shared PostgreSQL; alone, this one is woken by its own.
        claimIntervalMs: db(r).kind === 'postgres' ? 2000 : 10_000,
        tasks: { fileRoots: s.fileRepoRoots, killGraceMs: KILL_GRACE_MS, userAgent: s.userAgent, outbound: new OutboundPolicy(s.outbound), jobUser: s.jobUser },
      },
      logger(r, 'agent'),
    );
  });
}
