import { ApiError } from './api/client';

export type Role = 'viewer' | 'operator' | 'admin';

export interface Session {
  name: string;
  role: Role;
  expires_at: string;
}

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export function roleAtLeast(role: Role, wanted: Role): boolean {
  return RANK[role] >= RANK[wanted];
}

const HEADERS = { 'Content-Type': 'application/json', 'X-Baton-Request': '1' };

async function failure(response: Response): Promise<ApiError> {
  const problem = (await response.json().catch(() => null)) as { detail?: string } | null;
  return new ApiError(response.status, problem?.detail ?? `The server answered ${response.status}`);
}

/** Who is signed in, or null when nobody is (no cookie, or an expired or revoked session). */
export async function currentSession(): Promise<Session | null> {
  const response = await fetch('/api/session', { credentials: 'same-origin', headers: HEADERS });
  if (response.status === 401) return null;
  if (!response.ok) throw await failure(response);
  return (await response.json()) as Session;
}

/** Trades the API token for a session cookie; the token itself is not kept anywhere. */
export async function signIn(token: string): Promise<Session> {
  const response = await fetch('/api/session', { method: 'POST', credentials: 'same-origin', headers: HEADERS, body: JSON.stringify({ token }) });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as Session;
}

export async function signOut(): Promise<void> {
  const response = await fetch('/api/session', { method: 'DELETE', credentials: 'same-origin', headers: HEADERS });
  if (!response.ok && response.status !== 401) throw await failure(response);
}
