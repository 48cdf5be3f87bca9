import { useState } from 'preact/hooks';
import { messageOf } from '../api/client';
import { signIn, type Session } from '../session';

/** Sign-in with an API token: the server answers with a session cookie, and the token is forgotten at once. */
export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    signIn(token.trim()).then(
      (session) => {
        setToken('');
        onSignedIn(session);
      },
      (e: unknown) => {
        setBusy(false);
        setError(messageOf(e));
      },
    );
  };
  return (
    <main class="page sign-in">
      <h1>Sign in to Baton</h1>
      <form onSubmit={submit}>
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          required
          aria-describedby="token-hint"
          aria-invalid={error !== null}
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
        />
        <p id="token-hint" class="hint">
          An API token from an admin (or the first admin token in the server's data directory). The browser keeps only a session cookie, never the token.
        </p>
        {error !== null && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
