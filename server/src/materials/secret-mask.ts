import type { ResolvedProperty } from '@baton/plugin-api';

export const MASK = '***';

/** The values of the secure properties among plain configuration values. */
export function secureValues(properties: readonly ResolvedProperty[], plain: Readonly<Record<string, string>>): string[] {
  return properties.filter((p) => p.secure && plain[p.key]).map((p) => plain[p.key]!);
}

/**
 * Hides secure values in text that came from a plugin (an error message may quote a URL or a
 * header) before it reaches an API answer, an event or the log.
 */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length > 0) masked = masked.split(secret).join(MASK);
  }
  return masked;
}
