import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { roots, singleton } from './container-registration';
import { EventStore } from './events/event-store';
import { Signals } from './events/signals';
import { MaterialResolver } from './pipelines/triggers/material-resolver';
import { PipelineTimers } from './pipelines/triggers/pipeline-timers';
import { PipelineTriggers } from './pipelines/triggers/pipeline-triggers';
import { PromotionQueries } from './pipelines/runs/promotion-queries';
import { RunCreator } from './pipelines/runs/run-creator';
import { RunMaterialQueries } from './pipelines/triggers/run-material-queries';
import { RunService } from './pipelines/runs/run-service';
import { StageMachine } from './pipelines/runs/stage-machine';
import { Metrics } from './metrics/metrics';
import { AuditStore } from './security/audit-store';
import { PackageStore } from './materials/package-store';
import { RepositoryStore } from './materials/repository-store';
import { ConfigFileSync } from './pipelines/config-files/config-file-sync';
import { ConfigFiles } from './pipelines/config-files/config-files';
import { PipelineLookups } from './pipelines/definitions/pipeline-lookups';
import type { MaterialDirectory } from './pipelines/definitions/pipeline-material-directory';
import { PipelineMaterialUsage } from './pipelines/definitions/pipeline-material-usage';
import { PipelineService } from './pipelines/definitions/pipeline-service';
import { PipelineStore } from './pipelines/definitions/pipeline-store';
import { PipelineStates } from './pipelines/state/pipeline-states';

/** Runs, their triggers and the promotion record: part of the composition root. */
export function registerRuns(c: DependencyContainer): void {
  const single = <T>(token: InjectionToken<T>, make: (r: DependencyContainer) => T) => singleton(c, token, make);
  const db = roots.database;
  const logger = (r: DependencyContainer) => roots.logger(r, 'pipelines');
  const runCreated = (r: DependencyContainer) => {
    const signals = r.resolve(Signals);
    return () => {
      signals.jobsScheduled();
      signals.eventsWritten();
    };
  };

  single(Signals, () => new Signals());
  single(StageMachine, (r) => new StageMachine(r.resolve(EventStore), r.resolve(Metrics).pipelines));
  single(RunMaterialQueries, (r) => new RunMaterialQueries(db(r)));
  single(MaterialResolver, (r) => new MaterialResolver(r.resolve(RunMaterialQueries)));
  single(RunCreator, (r) => new RunCreator(db(r), r.resolve(StageMachine), r.resolve(EventStore), r.resolve(Metrics).pipelines));
  single(PromotionQueries, (r) => new PromotionQueries(db(r)));
  single(
    RunService,
    (r) =>
      new RunService(
        db(r),
        r.resolve(MaterialResolver),
        r.resolve(RunCreator),
        r.resolve(StageMachine),
        r.resolve(AuditStore),
        r.resolve(Signals),
        roots.secretBox(r),
      ),
  );
  single(PipelineTriggers, (r) => {
    const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    // One process alone (the embedded database) is woken by its own writes: the tick is a safety net.
    const tick = db(r).kind === 'postgres' ? '* * * * * *' : '*/10 * * * * *';
    return new PipelineTriggers(db(r), r.resolve(EventStore), r.resolve(MaterialResolver), r.resolve(RunCreator), owner, runCreated(r), logger(r), tick);
  });
  single(PipelineTimers, (r) => new PipelineTimers(db(r), r.resolve(MaterialResolver), r.resolve(RunCreator), runCreated(r), logger(r)));
  single(PipelineStates, (r) => new PipelineStates(db(r), r.resolve(AuditStore), r.resolve(EventStore), r.resolve(Signals)));
}

/** Pipeline definitions from the API and from YAML files, and their use of packages. */
export function registerPipelineDefinitions(c: DependencyContainer): void {
  const single = <T>(token: InjectionToken<T>, make: (r: DependencyContainer) => T) => singleton(c, token, make);
  const { database: db, secretBox: box } = roots;
  const materials = (r: DependencyContainer): MaterialDirectory => ({ repositories: r.resolve(RepositoryStore), packages: r.resolve(PackageStore) });
  single(PipelineStore, (r) => new PipelineStore(db(r)));
  single(PipelineLookups, (r) => new PipelineLookups(r.resolve(PipelineStore), materials(r), box(r)));
  single(PipelineService, (r) => new PipelineService(db(r), r.resolve(PipelineStore), r.resolve(PipelineLookups), r.resolve(AuditStore), box(r)));
  single(PipelineMaterialUsage, (r) => new PipelineMaterialUsage(r.resolve(PipelineStore), materials(r)));
  single(ConfigFileSync, (r) => new ConfigFileSync(db(r), r.resolve(PipelineStore), r.resolve(PipelineLookups), r.resolve(AuditStore)));
  single(ConfigFiles, (r) => {
    return new ConfigFiles({ dir: roots.settings(r).configDir }, r.resolve(ConfigFileSync), roots.logger(r, 'config-files'));
  });
}
