import { useCallback, useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api/client';
import { loadBoard, type Board, type Cell } from '../board/board-data';
import { PromoteButton } from '../board/promote-button';
import { STATES } from '../dashboard/stage-cell';
import { LiveNote, useLiveEvents } from '../live-events';
import { Link } from '../router';
import type { Session } from '../session';

/** What changes the board: a new revision of the package, a run created, a stage finished or waiting. */
const BOARD_EVENTS = ['package.revision.detected', 'pipeline.run.created', 'stage.run.completed', 'stage.awaiting_approval'] as const;

function when(iso: string | null | undefined): string | null {
  return iso ? new Date(iso).toLocaleString() : null;
}

/** A package's revisions, newest first, against every promotion level of its value stream. */
export function PromotionBoard({ session, packageId }: { session: Session; packageId: string }) {
  const [board, setBoard] = useState<Board | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    loadBoard(session, packageId).then(
      (b) => {
        setBoard(b);
        setError(null);
      },
      (e: unknown) => setError(messageOf(e)),
    );
  }, [session, packageId]);
  useEffect(reload, [reload]);
  const live = useLiveEvents(BOARD_EVENTS, (event) => {
    const pkg = event.data['package_id'];
    const pipeline = event.data['pipeline'];
    if (pkg === packageId || (typeof pipeline === 'string' && board?.stream.pipelines.some((p) => p.name === pipeline) !== false)) reload();
  });

  const pkg = board?.stream.package;
  return (
    <>
      <h1>Promotion board{pkg ? `: ${pkg.name}` : ''}</h1>
      {pkg && (
        <p>
          Package <strong>{pkg.name}</strong> of repository {pkg.repository}.{' '}
          <Link href={`/packages/${packageId}/value-stream`}>Value stream of {pkg.name}</Link>
        </p>
      )}
      <LiveNote live={live} error={error} />
      {board === null ? (
        error === null && <p>Loading the board…</p>
      ) : board.levels.length === 0 ? (
        <p>No pipeline uses this package yet.</p>
      ) : board.rows.length === 0 ? (
        <p>The package has no revision yet.</p>
      ) : (
        <div class="board-scroll" tabIndex={0} role="region" aria-label="Promotion board">
          <table class="board">
            <caption>Revisions of {board.stream.package.name}, newest first, and how far each was promoted</caption>
            <thead>
              <tr>
                <th scope="col">Revision</th>
                {board.levels.map((level) => (
                  <th scope="col" key={`${level.pipeline}/${level.stage}`}>
                    {level.pipeline} → {level.stage}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {board.rows.map((row) => (
                <tr key={row.revision}>
                  <th scope="row">
                    <code>{row.revision}</code>
                    <span class="muted"> seen {when(row.detectedAt)}</span>
                  </th>
                  {row.cells.map((cell) => (
                    <BoardCell key={`${cell.level.pipeline}/${cell.level.stage}`} revision={row.revision} cell={cell} onPromoted={reload} />
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function BoardCell({ revision, cell, onPromoted }: { revision: string; cell: Cell; onPromoted: () => void }) {
  const { symbol, text } = STATES[cell.state];
  const { stage, run, promotion } = cell;
  const time = when(stage?.completed_at ?? stage?.started_at ?? stage?.scheduled_at);
  return (
    <td class={`board-cell state-${cell.state}`}>
      <span class="symbol" aria-hidden="true">
        {symbol}
      </span>{' '}
      <span class="state-text">{text}</span>
      {run !== null && <span class="muted"> run {run.label}</span>}
      {time !== null && <span class="when">{time}</span>}
      {stage?.approved_by != null && stage.approval_type === 'manual' && <span class="approver">approved by {stage.approved_by}</span>}
      {promotion !== null && <PromoteButton revision={revision} level={cell.level} promotion={promotion} onPromoted={onPromoted} />}
    </td>
  );
}
