import type { DbPackageRevisionRow } from '../../db/tables';
import { InvalidInput } from '../../domain-errors';
import {
  isPackageMaterial,
  materialName,
  type PackageMaterialDefinition,
  type PipelineDefinition,
  type PipelineMaterialDefinition,
} from '../definitions/definition';
import type { BuildCause, MaterialRevision, PackageMaterialRevision, PipelineMaterialRevision, UpstreamPackageRevision } from '../runs/run-model';
import type { RunMaterialQueries } from './run-material-queries';
import { upstreamPackageRevisions } from './upstream-package-revisions';

/** How many recent passed runs of an upstream stage are searched for one that agrees with the others. */
const AGREEING_RUNS_SEARCHED = 50;

export type TriggerRequest =
  | { kind: 'revision'; packageId: string; revisionId: number }
  | { kind: 'upstream'; pipeline: string; stage: string; counter: number; stageCounter: number }
  | { kind: 'timer' }
  | { kind: 'manual'; revisions: Record<string, string> }
  /** A new pipeline's first run: what its materials held when it was created (ISO time), not what came after. */
  | { kind: 'created'; asOf: string };

/**
 * The exact revision of every material for a new run, every package revision the run carries,
 * and those of them that came with its upstream runs, as its jobs see them.
 */
export type Resolution =
  | {
      ok: true;
      materials: MaterialRevision[];
      carried: Map<string, { revisionId: number; materialName: string | null }>;
      upstreamPackages: UpstreamPackageRevision[];
    }
  | { ok: false; reason: string };

/**
 * Decides what a new run carries. Upstream materials take the upstream run that triggered or was
 * asked for, or else the newest run that passed the stage and agrees with those. A package that
 * reaches the pipeline through an upstream run takes the revision that run carried — the same
 * bits move on — and when no runs of two upstreams carry the same revision of a package they
 * share, the pipeline waits until they agree. Other package
 * materials take the revision that triggered, was asked for, or the latest. The package
 * revisions the upstream runs carried come along for the jobs, whether the pipeline declares
 * those packages or not.
 */
export class MaterialResolver {
  constructor(private readonly reads: RunMaterialQueries) {}

  async resolve(pipeline: PipelineDefinition, trigger: TriggerRequest): Promise<Resolution> {
    const manual = trigger.kind === 'manual' ? trigger.revisions : {};
    const unknown = Object.keys(manual).filter((name) => !pipeline.materials.some((m) => materialName(m) === name));
    if (unknown.length > 0) throw new InvalidInput(Object.fromEntries(unknown.map((n) => [`revisions.${n}`, [`the pipeline has no material named '${n}'`]])));
    const upstream = await this.upstreamRuns(pipeline, trigger, manual);
    if (!upstream.ok) return upstream;
    const previous = await this.previousCause(pipeline.name);
    const materials: MaterialRevision[] = [];
    const carried = new Map<string, { revisionId: number; materialName: string | null }>();
    for (const [packageId, revisionId] of upstream.carried) carried.set(packageId, { revisionId, materialName: null });
    for (const material of pipeline.materials) {
      if (!isPackageMaterial(material)) {
        materials.push(withChanged(upstream.runs.get(materialName(material))!, previous));
        continue;
      }
      const resolved = await this.packageRevision(material, trigger, manual, upstream.carried);
      if (!resolved.ok) return resolved;
      carried.set(resolved.revision.package_id, { revisionId: resolved.revision.revision_id, materialName: resolved.revision.name });
      materials.push(withChanged(resolved.revision, previous));
    }
    const own = materials.filter((m): m is PackageMaterialRevision => m.type === 'package');
    const upstreamCauses = pipeline.materials
      .filter((m): m is PipelineMaterialDefinition => !isPackageMaterial(m))
      .map((m) => ({ pipeline: m.pipeline, cause: upstream.causes.get(materialName(m))! }));
    return { ok: true, materials, carried, upstreamPackages: upstreamPackageRevisions(own, upstreamCauses) };
  }

  private async upstreamRuns(pipeline: PipelineDefinition, trigger: TriggerRequest, manual: Record<string, string>) {
    const runs = new Map<string, PipelineMaterialRevision>();
    const causes = new Map<string, BuildCause>();
    const carried = new Map<string, number>();
    const upstreams = pipeline.materials
      .filter((m): m is PipelineMaterialDefinition => !isPackageMaterial(m))
      .map((material) => ({ material, name: materialName(material), pinned: this.pinnedCounter(material, materialName(material), trigger, manual) }));
    // Pinned runs first: the others are then matched against what those carried.
    upstreams.sort((a, b) => Number(b.pinned !== null) - Number(a.pinned !== null));
    for (const { material, name, pinned } of upstreams) {
      // The attempt of the stage whose pass triggered this run, not a later rerun's.
      const attempt = trigger.kind === 'upstream' && trigger.pipeline === material.pipeline && trigger.stage === material.stage ? trigger.stageCounter : null;
      const candidates =
        pinned !== null
          ? [await this.reads.passedStage(material.pipeline, material.stage, pinned, attempt)].filter((run) => run !== null)
          : await this.reads.passedStages(material.pipeline, material.stage, AGREEING_RUNS_SEARCHED, asOf(trigger));
      if (candidates.length === 0) {
        if (pinned !== null && trigger.kind === 'manual')
          throw InvalidInput.field(`revisions.${name}`, `run ${pinned} of '${material.pipeline}' has not passed stage '${material.stage}'`);
        return { ok: false as const, reason: `no run of '${material.pipeline}' has passed stage '${material.stage}' yet` };
      }
      // The newest run that carries what the runs taken so far carry, where they share packages.
      let chosen: { run: (typeof candidates)[number]; carries: Map<string, number> } | null = null;
      let disagreement = '';
      for (const run of candidates) {
        const carries = await this.reads.carried(run.id);
        const clash = [...carries].find(([packageId, revisionId]) => carried.has(packageId) && carried.get(packageId) !== revisionId);
        if (!clash) {
          chosen = { run, carries };
          break;
        }
        disagreement ||= `${material.pipeline}/${run.counter} carries revision ${clash[1]} where another upstream run carries ${carried.get(clash[0])}`;
      }
      if (!chosen) return { ok: false as const, reason: `upstream runs carry different revisions of one package (${disagreement}); waiting until they agree` };
      const { run } = chosen;
      runs.set(name, {
        type: 'pipeline',
        name,
        pipeline: material.pipeline,
        stage: material.stage,
        counter: run.counter,
        stage_counter: Number(run.stage_counter),
        label: run.label,
        changed: true,
      });
      causes.set(name, run.build_cause as unknown as BuildCause);
      for (const [packageId, revisionId] of chosen.carries) carried.set(packageId, revisionId);
    }
    return { ok: true as const, runs, causes, carried };
  }

  private pinnedCounter(material: PipelineMaterialDefinition, name: string, trigger: TriggerRequest, manual: Record<string, string>): number | null {
    if (trigger.kind === 'upstream' && trigger.pipeline === material.pipeline && trigger.stage === material.stage) return trigger.counter;
    const asked = askedRevision(manual, name);
    if (asked === undefined) return null;
    if (!/^[1-9]\d{0,8}$/.test(asked))
      throw InvalidInput.field(`revisions.${name}`, `an upstream material takes the counter of one of its runs, not '${asked}'`);
    return Number(asked);
  }

  private async packageRevision(
    material: PackageMaterialDefinition,
    trigger: TriggerRequest,
    manual: Record<string, string>,
    throughUpstream: Map<string, number>,
  ): Promise<{ ok: true; revision: PackageMaterialRevision } | { ok: false; reason: string }> {
    const name = materialName(material);
    const ref = await this.reads.packageByNames(material.package.repository, material.package.package);
    if (!ref) return { ok: false, reason: `package '${material.package.package}' of repository '${material.package.repository}' does not exist` };
    const carriedId = throughUpstream.get(ref.packageId);
    const asked = askedRevision(manual, name);
    let row: DbPackageRevisionRow | null;
    if (carriedId !== undefined) {
      row = await this.reads.revisionById(carriedId);
      if (asked !== undefined && row?.revision !== asked) {
        throw InvalidInput.field(`revisions.${name}`, `'${asked}' contradicts the upstream run, which carried '${row?.revision}'`);
      }
    } else if (trigger.kind === 'revision' && trigger.packageId === ref.packageId) {
      row = await this.reads.revisionById(trigger.revisionId);
    } else if (asked !== undefined) {
      row = await this.reads.revisionByLabel(ref.packageId, asked);
      if (!row) throw InvalidInput.field(`revisions.${name}`, `package '${ref.packageName}' has no revision '${asked}'`);
    } else {
      row = await this.reads.latestRevision(ref.packageId, asOf(trigger));
    }
    if (!row) return { ok: false, reason: `package '${ref.packageName}' has no revision yet` };
    return {
      ok: true,
      revision: {
        type: 'package',
        name,
        repository_id: ref.repositoryId,
        repository_name: ref.repositoryName,
        package_id: ref.packageId,
        package_name: ref.packageName,
        revision_id: Number(row.id),
        revision: row.revision,
        data: row.data,
        via_upstream: carriedId !== undefined,
        changed: true,
      },
    };
  }

  /** Whether some material has a revision no run of the pipeline has had (a timer's only_on_changes). */
  async hasNewRevision(pipeline: string, materials: readonly MaterialRevision[]): Promise<boolean> {
    for (const material of materials) if (!(await this.reads.hasRunWith(pipeline, material))) return true;
    return false;
  }

  private async previousCause(pipeline: string): Promise<BuildCause | null> {
    const run = await this.reads.latestRun(pipeline);
    return run ? (run.build_cause as unknown as BuildCause) : null;
  }
}

/**
 * The time a trigger looks back from. A new pipeline's first run takes what was there before it
 * was created; what came after triggers it as usual (events from before its creation do not).
 */
function asOf(trigger: TriggerRequest): string | null {
  return trigger.kind === 'created' ? trigger.asOf : null;
}

/** Whether a material moved since the pipeline's previous run. */
function withChanged<T extends MaterialRevision>(revision: T, previous: BuildCause | null): T {
  const before = previous?.materials.find((m) => m.name === revision.name);
  if (!before) return { ...revision, changed: true };
  const changed =
    revision.type === 'package'
      ? before.type !== 'package' || before.revision_id !== revision.revision_id
      : before.type !== 'pipeline' || before.counter !== revision.counter || before.stage_counter !== revision.stage_counter;
  return { ...revision, changed };
}

/** The revision a manual trigger asks of a material; material names are data, never the object's own members. */
function askedRevision(manual: Readonly<Record<string, string>>, name: string): string | undefined {
  return Object.hasOwn(manual, name) ? manual[name] : undefined;
}
