import type { ApiClient, ApiResponse } from './api-client';

export interface SignedIn {
  response: ApiResponse<{ name: string; role: string; expires_at: string }>;
  /** The `Set-Cookie` header as sent. */
  setCookie: string | null;
  /** `baton_session=<secret>`, as a browser sends it back in `Cookie`. */
  cookie: string;
}

/** Signs in with `token` through `POST /api/session`, as a browser's page does. */
export async function signIn(api: ApiClient, token: string, headers: Record<string, string> = {}): Promise<SignedIn> {
  const response = await api.post('/api/session', { token }, { token: null, headers });
  const setCookie = response.headers.get('set-cookie');
  return { response, setCookie, cookie: setCookie?.split(';')[0] ?? '' };
}

/** What a browser's page sends with a request that changes something: the cookie and Baton's own header. */
export function pageHeaders(cookie: string, extra: Record<string, string> = {}): Record<string, string> {
  return { cookie, 'x-baton-request': '1', ...extra };
}
