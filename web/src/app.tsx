import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from './api/client';
import { currentSession, type Session } from './session';
import { Shell } from './shell';
import { SignIn } from './pages/sign-in';

const SIGNED_OUT = 'baton:signed-out';

// Any API answer of 401 means the session ended (expired, signed out elsewhere, token deleted): back to sign-in.
api.use({
  onResponse({ response }) {
    if (response.status === 401) dispatchEvent(new Event(SIGNED_OUT));
    return undefined;
  },
});

/** Sign-in until there is a session, then the shell with its pages. */
export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    currentSession().then(setSession, (e: unknown) => setError(messageOf(e)));
    const ended = () => setSession(null);
    addEventListener(SIGNED_OUT, ended);
    return () => removeEventListener(SIGNED_OUT, ended);
  }, []);
  if (error !== null) {
    return (
      <main class="page">
        <h1>Baton</h1>
        <p role="alert" class="error">
          Could not tell whether you are signed in: {error}
        </p>
      </main>
    );
  }
  if (session === undefined) return <p class="page">Loading…</p>;
  if (session === null) return <SignIn onSignedIn={setSession} />;
  return <Shell session={session} onSignedOut={() => setSession(null)} />;
}
