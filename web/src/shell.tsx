import { useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from './api/client';
import { LazyValueStream } from './lazy-value-stream';
import { Audit } from './pages/audit';
import { Dashboard } from './pages/dashboard';
import { NotFound } from './pages/not-found';
import { Plugins } from './pages/plugins';
import { PromotionBoard } from './pages/promotion-board';
import { Repositories } from './pages/repositories';
import { RunView } from './pages/run-view';
import { Link, usePath } from './router';
import { parseRunPath } from './runs/run-data';
import { roleAtLeast, signOut, type Session } from './session';

const PAGES = [
  { path: '/', title: 'Dashboard' },
  { path: '/repositories', title: 'Repositories' },
  { path: '/plugins', title: 'Plugins' },
  { path: '/audit', title: 'Audit', role: 'admin' },
] as const;

interface ShellProps {
  session: Session;
  onSignedOut: () => void;
}

/** Navigation, who is signed in, and the current page. */
export function Shell({ session, onSignedOut }: ShellProps) {
  const path = usePath();
  const [error, setError] = useState<string | null>(null);
  const main = useRef<HTMLElement>(null);
  const run = parseRunPath(path);
  const title =
    run !== null
      ? `${run.pipeline} run ${run.counter}`
      : BOARD_PATH.test(path)
        ? 'Promotion board'
        : STREAM_PATH.test(path)
          ? 'Value stream'
          : (PAGES.find((p) => p.path === path)?.title ?? 'Not found');
  useEffect(() => {
    document.title = `${title} · Baton`;
  }, [title]);
  const leave = () => {
    setError(null);
    signOut().then(onSignedOut, (e: unknown) => setError(messageOf(e)));
  };
  return (
    <>
      <a class="skip" href="#main" onClick={() => main.current?.focus()}>
        Skip to content
      </a>
      <header class="shell">
        <span class="brand">Baton</span>
        <nav aria-label="Main">
          <ul>
            {PAGES.filter((p) => !('role' in p) || roleAtLeast(session.role, p.role)).map((p) => (
              <li key={p.path}>
                <Link href={p.path} current={p.path === path}>
                  {p.title}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span>
            Signed in as <strong>{session.name}</strong> <span class="role">({session.role})</span>
          </span>
          <button type="button" onClick={leave}>
            Sign out
          </button>
          {error !== null && (
            <p role="alert" class="error">
              Sign-out failed: {error}
            </p>
          )}
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1} class="page">
        <Page path={path} session={session} />
      </main>
    </>
  );
}

/** A package's pages: `/packages/<id>/board` and `/packages/<id>/value-stream`. */
const BOARD_PATH = /^\/packages\/([0-9a-f-]{36})\/board$/;
const STREAM_PATH = /^\/packages\/([0-9a-f-]{36})\/value-stream$/;

function Page({ path, session }: { path: string; session: Session }) {
  const board = BOARD_PATH.exec(path);
  if (board) return <PromotionBoard key={board[1]} session={session} packageId={board[1]} />;
  const stream = STREAM_PATH.exec(path);
  if (stream) return <LazyValueStream key={stream[1]} packageId={stream[1]} />;
  if (path === '/') return <Dashboard session={session} />;
  if (path === '/plugins') return <Plugins session={session} />;
  if (path === '/repositories') return <Repositories session={session} />;
  if (path === '/audit') return <Audit />;
  const run = parseRunPath(path);
  if (run !== null) return <RunView session={session} pipeline={run.pipeline} counter={run.counter} />;
  return <NotFound path={path} />;
}
