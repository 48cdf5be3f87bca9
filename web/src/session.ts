import { api, dataOf, UI_REQUEST_HEADER, type Schemas } from './api/client';

export type Session = Schemas['SignInSession'];
export type Role = Session['role'];

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export function roleAtLeast(role: Role, wanted: Role): boolean {
  return RANK[role] >= RANK[wanted];
}

/** Who is signed in, or null when nobody is (no cookie, or an expired or revoked session). */
export async function currentSession(): Promise<Session | null> {
  const answer = await api.GET('/api/session');
  return answer.response.status === 401 ? null : dataOf(answer);
}

/** Trades the API token for a session cookie; the token itself is not kept anywhere. */
export async function signIn(token: string): Promise<Session> {
  return dataOf(await api.POST('/api/session', { body: { token } }));
}

export async function signOut(): Promise<void> {
  const answer = await api.DELETE('/api/session', { params: { header: UI_REQUEST_HEADER } });
  if (answer.response.status !== 401) dataOf(answer);
}
