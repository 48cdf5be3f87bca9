import { NodeFS } from '@electric-sql/pglite/nodefs';

type NodeFsModule = Parameters<NodeFS['init']>[1];
type SetAttr = (target: unknown, node: unknown, attr: { mode?: number }, ...rest: unknown[]) => void;

/** Group and other permission bits. */
const SHARED_BITS = 0o077;

/**
 * PGlite's files on disk, kept their owner's only. Its Emscripten file system gives every file
 * it creates an explicit `chmod` (with Emscripten's own umask, 022, or a mode PostgreSQL asks
 * for), which the process's umask does not reach: the files came out 0644 or 0666 however Baton
 * was started. Every mode it sets is stripped of the group and other bits here.
 */
export class OwnerOnlyNodeFS extends NodeFS {
  override async init(pg: Parameters<NodeFS['init']>[0], opts: NodeFsModule): Promise<{ emscriptenOpts: NodeFsModule }> {
    const { emscriptenOpts } = await super.init(pg, opts);
    const preRun = [...(emscriptenOpts.preRun ?? []), (module: { NODEFS?: { doSetAttr?: SetAttr } }) => ownerOnly(module.NODEFS)];
    return { emscriptenOpts: { ...emscriptenOpts, preRun } };
  }
}

function ownerOnly(nodefs: { doSetAttr?: SetAttr } | undefined): void {
  const setAttr = nodefs?.doSetAttr;
  // Without the hook (another PGlite build), a start still tightens the folder, which is 0700.
  if (nodefs === undefined || setAttr === undefined) return;
  nodefs.doSetAttr = (target, node, attr, ...rest) => {
    const mode = attr.mode === undefined ? attr : { ...attr, mode: attr.mode & ~SHARED_BITS };
    setAttr.call(nodefs, target, node, mode, ...rest);
  };
}
