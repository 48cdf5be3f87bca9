import { useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from './api/client';
import { Audit } from './pages/audit';
import { Dashboard } from './pages/dashboard';
import { NotFound } from './pages/not-found';
import { Plugins } from './pages/plugins';
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
  const title = run !== null ? `${run.pipeline} run ${run.counter}` : (PAGES.find((p) => p.path === path)?.title ?? 'Not found');
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

function Page({ path, session }: { path: string; session: Session }) {
  if (path === '/') return <Dashboard session={session} />;
  if (path === '/plugins') return <Plugins session={session} />;
  if (path === '/repositories') return <Repositories session={session} />;
  if (path === '/audit') return <Audit />;
  const run = parseRunPath(path);
  if (run !== null) return <RunView session={session} pipeline={run.pipeline} counter={run.counter} />;
  return <NotFound path={path} />;
}
