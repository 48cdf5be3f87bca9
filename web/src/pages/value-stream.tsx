import dagre from '@dagrejs/dagre';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api/client';
import { loadDefinitions, loadValueStream, materialName, type ValueStream } from '../board/board-data';
import type { Pipeline } from '../dashboard/dashboard-data';
import { LiveNote, useLiveEvents } from '../live-events';
import { Link } from '../router';

/** What changes the latest revision of a level: a new revision of the package, a stage finishing. */
const STREAM_EVENTS = ['package.revision.detected', 'stage.run.completed'] as const;

const NODE_WIDTH = 190;
const NODE_HEIGHT = 56;

/** Wide enough for its text (0.8 rem: under 7 px a character, a bold title under 8), and never narrower than NODE_WIDTH. */
function nodeWidth(title: string, detail: string): number {
  return Math.max(NODE_WIDTH, Math.max(title.length * 8, detail.length * 7) + 16);
}

function nodeLabel(title: string, detail: string) {
  return { title, detail, width: nodeWidth(title, detail), height: NODE_HEIGHT };
}

interface GraphNode {
  id: string;
  title: string;
  detail: string;
  x: number;
  y: number;
  width: number;
}

interface Graph {
  width: number;
  height: number;
  nodes: GraphNode[];
  edges: { from: string; to: string; points: { x: number; y: number }[] }[];
}

const PACKAGE_NODE = 'package';

function stageNode(pipeline: string, stage: string): string {
  return `${pipeline}\n${stage}`;
}

/**
 * Lays the value stream out with dagre, left to right: the package, then each pipeline's stages in
 * order; a pipeline that consumes the package starts from it, a downstream one from the upstream
 * stage its material follows.
 */
export function layOut(stream: ValueStream, definitions: Map<string, Pipeline>): Graph {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 48, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  const pkg = stream.package;
  g.setNode(PACKAGE_NODE, nodeLabel(`Package ${pkg.name}`, `latest ${pkg.latest_revision ?? 'none yet'}`));
  const inStream = new Set(stream.pipelines.map((p) => p.name));
  for (const pipeline of stream.pipelines) {
    pipeline.stages.forEach((stage, i) => {
      const passed = stage.latest_passed;
      g.setNode(
        stageNode(pipeline.name, stage.name),
        nodeLabel(`${pipeline.name} → ${stage.name}`, passed === null ? 'nothing passed yet' : `passed ${passed.revision} (run ${passed.label})`),
      );
      if (i > 0) g.setEdge(stageNode(pipeline.name, pipeline.stages[i - 1].name), stageNode(pipeline.name, stage.name));
    });
    const first = pipeline.stages[0];
    if (first === undefined) continue;
    const definition = definitions.get(pipeline.name);
    for (const material of definition?.materials ?? []) {
      if ('package' in material) {
        if (material.package.repository === pkg.repository && material.package.package === pkg.name)
          g.setEdge(PACKAGE_NODE, stageNode(pipeline.name, first.name));
      } else if (inStream.has(material.pipeline)) {
        g.setEdge(stageNode(material.pipeline, material.stage), stageNode(pipeline.name, first.name), { name: materialName(material) });
      }
    }
  }
  dagre.layout(g);
  const label = g.graph() as { width?: number; height?: number };
  return {
    width: Math.ceil(label.width ?? 0),
    height: Math.ceil(label.height ?? 0),
    nodes: g.nodes().map((id) => {
      const node = g.node(id) as { title: string; detail: string; x: number; y: number; width: number };
      return { id, title: node.title, detail: node.detail, x: node.x - node.width / 2, y: node.y - NODE_HEIGHT / 2, width: node.width };
    }),
    edges: g.edges().map((e) => ({ from: e.v, to: e.w, points: (g.edge(e) as { points?: { x: number; y: number }[] }).points ?? [] })),
  };
}

/** The graph from a package through every pipeline and stage that consumes it, each level with its latest passed revision. */
export function ValueStreamPage({ packageId }: { packageId: string }) {
  const [graph, setGraph] = useState<{ stream: ValueStream; layout: Graph } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    (async () => {
      const stream = await loadValueStream(packageId);
      const definitions = await loadDefinitions(stream);
      setGraph({ stream, layout: layOut(stream, definitions) });
      setError(null);
    })().catch((e: unknown) => setError(messageOf(e)));
  }, [packageId]);
  useEffect(reload, [reload]);
  const live = useLiveEvents(STREAM_EVENTS, reload);

  const pkg = graph?.stream.package;
  return (
    <>
      <h1>Value stream{pkg ? `: ${pkg.name}` : ''}</h1>
      {pkg && (
        <p>
          Package <strong>{pkg.name}</strong> of repository {pkg.repository}. <Link href={`/packages/${packageId}/board`}>Promotion board of {pkg.name}</Link>
        </p>
      )}
      <LiveNote live={live} error={error} />
      {graph === null ? error === null && <p>Loading the value stream…</p> : <StreamGraph graph={graph.layout} name={graph.stream.package.name} />}
    </>
  );
}

function StreamGraph({ graph, name }: { graph: Graph; name: string }) {
  const line = (points: { x: number; y: number }[]) => points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ');
  return (
    <div class="graph-scroll" tabIndex={0} role="region" aria-label={`Value stream of ${name}`}>
      <svg class="value-stream" width={graph.width} height={graph.height} viewBox={`0 0 ${graph.width} ${graph.height}`} role="list">
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto">
            <path d="M0,0 L10,5 L0,10 z" />
          </marker>
        </defs>
        {graph.edges.map((e) => (
          <path key={`${e.from}>${e.to}`} class="edge" d={line(e.points)} marker-end="url(#arrow)" aria-hidden="true" />
        ))}
        {graph.nodes.map((n) => (
          <g key={n.id} class="node" role="listitem" aria-label={`${n.title}: ${n.detail}`} transform={`translate(${n.x},${n.y})`}>
            <rect width={n.width} height={NODE_HEIGHT} rx="6" />
            <text x="8" y="22" class="node-title">
              {n.title}
            </text>
            <text x="8" y="42">
              {n.detail}
            </text>
          </g>
        ))}
      </svg>
    </div>
  );
}
