import { cutText, utf8Bytes } from '@baton/plugin-api';
import pino, { type Logger } from 'pino';

/** No log line is longer than this: a huge value (a query, a body) must not fill the disk. */
export const MAX_LOG_LINE_BYTES = 4096;
/** Each string of a logged error (message, stack, a database error's detail) is cut to this. */
const MAX_ERROR_FIELD_BYTES = 1024;
/** What a field keeps when a line has to be cut. */
const MAX_FIELD_BYTES = 512;

/**
 * Structured JSON logs on stdout. Authorization headers and configuration values are never
 * logged, errors are logged cut to a few lines, and a line longer than {@link MAX_LOG_LINE_BYTES}
 * is rewritten with each field cut and `log_line_cut_bytes` saying how long it was.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'baton' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', '*.configuration', '*.token', '*.password'], censor: '[redacted]' },
    serializers: { err: boundedError },
    hooks: { streamWrite: boundedLine },
  };
  return destination ? pino(options, destination) : pino(options);
}

function boundedError(error: unknown): unknown {
  const serialized: unknown = pino.stdSerializers.err(error as Error);
  if (typeof serialized !== 'object' || serialized === null) return bounded(serialized, MAX_ERROR_FIELD_BYTES);
  return Object.fromEntries(Object.entries(serialized).map(([key, value]) => [key, bounded(value, MAX_ERROR_FIELD_BYTES)]));
}

/** Called with each finished line (JSON and a newline); almost every line passes unchanged. */
function boundedLine(line: string): string {
  // A UTF-16 unit is at most three bytes of UTF-8.
  if (line.length * 3 <= MAX_LOG_LINE_BYTES || utf8Bytes(line) <= MAX_LOG_LINE_BYTES) return line;
  const size = utf8Bytes(line);
  let fields: Record<string, unknown>;
  try {
    fields = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${JSON.stringify({ msg: cutText(line, MAX_FIELD_BYTES), log_line_cut_bytes: size })}\n`;
  }
  const cut = Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, bounded(value, MAX_FIELD_BYTES)]));
  const rewritten = JSON.stringify({ ...cut, log_line_cut_bytes: size });
  if (utf8Bytes(rewritten) < MAX_LOG_LINE_BYTES) return `${rewritten}\n`;
  const { level, time, service, msg } = cut;
  return `${JSON.stringify({ level, time, service, msg, log_line_cut_bytes: size })}\n`;
}

/** A string cut to `maxBytes`; any other value replaced by a note when its JSON is longer. */
function bounded(value: unknown, maxBytes: number): unknown {
  if (typeof value === 'string') return cutText(value, maxBytes);
  const json = JSON.stringify(value);
  if (json === undefined || utf8Bytes(json) <= maxBytes) return value;
  return `[cut: ${utf8Bytes(json)} bytes of JSON]`;
}
