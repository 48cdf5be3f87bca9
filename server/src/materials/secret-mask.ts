import type { ResolvedProperty } from '@baton/plugin-api';
import { secretForms } from './secret-forms';

export const MASK = '***';

/** The values of the secure properties among plain configuration values. */
export function secureValues(properties: readonly ResolvedProperty[], plain: Readonly<Record<string, string>>): string[] {
  return properties.filter((p) => p.secure && plain[p.key]).map((p) => plain[p.key]);
}

/**
 * Hides secure values in text that came from a plugin (an error message may quote a URL or a
 * header) or from a job before it reaches an API answer, an event or the log.
 */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  return new SecretMask(secrets).split(text, 'complete').masked;
}

/**
 * What to do with an end of the text that is the start of a secret: `complete` text leaves it;
 * `hold` keeps it back until more text comes; `final` (nothing more will come) masks it, unless
 * it ends with a line break — then it is an ordinary line that happens to end like a secret.
 */
export type MaskMode = 'complete' | 'hold' | 'final';

type Comparison = { kind: 'whole'; end: number } | { kind: 'start'; afterBreak: boolean } | null;

/**
 * Masks every form of a set of secrets (see `secretForms`), also where a line break splits one:
 * a multi-line secret printed with other line breaks, or a program that wraps its output.
 */
export class SecretMask {
  private readonly byFirst = new Map<string, string[]>();

  constructor(secrets: readonly string[]) {
    const forms = [...new Set(secrets.flatMap(secretForms).map((form) => form.replace(/\r\n?/g, '\n')))];
    // Longest first: where two forms match at one place, the whole of the longer one is hidden.
    forms.sort((a, b) => b.length - a.length);
    for (const form of forms) {
      const first = form[0];
      this.byFirst.set(first, [...(this.byFirst.get(first) ?? []), form]);
      if (first === '\n') this.byFirst.set('\r', [...(this.byFirst.get('\r') ?? []), form]);
    }
  }

  /** `text` masked, and (in `hold` mode) the end kept back because it may be the start of a secret. */
  split(text: string, mode: MaskMode): { masked: string; held: string } {
    let masked = '';
    let copied = 0;
    for (let i = 0; i < text.length;) {
      const found = this.matchAt(text, i, mode);
      if (found === 'start') {
        masked += text.slice(copied, i);
        return mode === 'hold' ? { masked, held: text.slice(i) } : { masked: masked + MASK, held: '' };
      }
      if (found === null) {
        i += 1;
        continue;
      }
      masked += text.slice(copied, i) + MASK;
      i = found;
      copied = found;
    }
    return { masked: masked + text.slice(copied), held: '' };
  }

  /** The end of a secret's form that starts at `i`, `start` when the text ends inside one that counts in this mode, or null. */
  private matchAt(text: string, i: number, mode: MaskMode): number | 'start' | null {
    const candidates = this.byFirst.get(text[i]);
    if (!candidates) return null;
    let start = false;
    for (const form of candidates) {
      const comparison = compare(text, i, form);
      if (comparison?.kind === 'whole' && !start) return comparison.end;
      if (comparison?.kind === 'start' && (mode === 'hold' || (mode === 'final' && !comparison.afterBreak))) start = true;
    }
    return start ? 'start' : null;
  }
}

/** How `text` from `start` compares with `form`, where one line break may come between any two characters. */
function compare(text: string, start: number, form: string): Comparison {
  let p = start;
  let afterBreak = false;
  for (let j = 0; j < form.length;) {
    if (p >= text.length) return j > 0 ? { kind: 'start', afterBreak } : null;
    const lineBreak = lineBreakAt(text, p);
    if (form[j] === '\n') {
      if (lineBreak === 0) return null;
      p += lineBreak;
      j += 1;
      afterBreak = false;
    } else if (text[p] === form[j]) {
      p += 1;
      j += 1;
      afterBreak = false;
    } else if (j > 0 && !afterBreak && lineBreak > 0) {
      p += lineBreak;
      afterBreak = true;
    } else {
      return null;
    }
  }
  return { kind: 'whole', end: p };
}

/** The length of the line break at `p`: `\n`, `\r\n`, or a `\r` that ends the text (its `\n` may follow). */
function lineBreakAt(text: string, p: number): number {
  if (text[p] === '\n') return 1;
  if (text[p] !== '\r') return 0;
  if (text[p + 1] === '\n') return 2;
  return p + 1 === text.length ? 1 : 0;
}
