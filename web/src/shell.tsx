import { useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from './api/client';
import { Dashboard } from './pages/dashboard';
import { NotFound } from './pages/not-found';
import { Plugins } from './pages/plugins';
import { Link, usePath } from './router';
import { signOut, type Session } from './session';

const PAGES = [
  { path: '/', title: 'Dashboard' },
  { path: '/repositories', title: 'Repositories' },
  { path: '/plugins', title: 'Plugins' },
];

interface ShellProps {
  session: Session;
  onSignedOut: () => void;
}

/** Navigation, who is signed in, and the current page. */
export function Shell({ session, onSignedOut }: ShellProps) {
  const path = usePath();
  const [error, setError] = useState<string | null>(null);
  const main = useRef<HTMLElement>(null);
  const page = PAGES.find((p) => p.path === path);
  useEffect(() => {
    document.title = `${page?.title ?? 'Not found'} · Baton`;
  }, [page]);
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
            {PAGES.map((p) => (
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
  const planned = PAGES.find((p) => p.path === path);
  return planned ? <Planned title={planned.title} /> : <NotFound path={path} />;
}

/** A page the navigation already names whose view is not written yet: said plainly, with where to look meanwhile. */
function Planned({ title }: { title: string }) {
  return (
    <>
      <h1>{title}</h1>
      <p>This page is not in the web UI yet. The REST API serves it: see /api/openapi.json.</p>
    </>
  );
}
