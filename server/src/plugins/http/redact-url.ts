/**
 * A URL as it may be printed in errors and logs: without a user name or password.
 *
 * @example redactUrl('https://reader:s3cret@repo.example.org/el9/') // 'https://repo.example.org/el9/'
 */
export function redactUrl(url: URL | string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactText(String(url));
  }
  parsed.username = '';
  parsed.password = '';
  return parsed.href;
}

const USER_INFO = /([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi;

/** Removes `user:password@` from URLs inside free text, such as a library's error message. */
export function redactText(text: string): string {
  return text.replace(USER_INFO, '$1');
}
