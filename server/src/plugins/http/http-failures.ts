import axios from 'axios';
import { PermanentError, PluginError, TransientError } from '@baton/plugin-api';
import { outboundRefusalIn } from '../../security/outbound-policy';
import { redactText } from './redact-url';

/** The call's signal aborted: the host gave up on this call. */
export function abortedError(url: string): TransientError {
  return new TransientError('aborted', `request to ${url} was aborted`);
}

/** Nothing arrived within a timeout; `waitingFor` says what the client was waiting for. */
export function timeoutError(url: string, waitingFor: string, ms: number): TransientError {
  return new TransientError('timeout', `${url}: no ${waitingFor} within ${ms} ms`);
}

// Codes a request made by a plugin with bad options fails with: a bug, not the network.
const BUG_CODES = /^(ERR_BAD_OPTION|ERR_INVALID|ERR_NOT_SUPPORT|ERR_HTTP_INVALID)/;

/**
 * Classifies a failure of the transport: our own errors pass through, an address the outbound
 * policy refuses is a `PermanentError` (retrying cannot help), refused, reset, DNS, TLS and the
 * like become `TransientError('network')`, anything else stays as thrown (a bug).
 */
export function transportFailure(error: unknown, url: string): unknown {
  if (error instanceof PluginError) return error;
  const refusal = outboundRefusalIn(error);
  if (refusal) return new PermanentError('outbound_denied', `${url}: ${refusal.message}`);
  if (!axios.isAxiosError(error) && !isSystemError(error)) return error;
  const { code, message } = error as { code?: string; message: string };
  if (code !== undefined && BUG_CODES.test(code)) return error;
  const detail = redactText(message) || 'connection failed';
  return new TransientError('network', `${url}: ${detail}${code && !detail.includes(code) ? ` (${code})` : ''}`);
}

// Checked by shape, as errors raised inside Node need not share this realm's Error class.
function isSystemError(error: unknown): boolean {
  const candidate = error as { code?: unknown; message?: unknown } | null;
  return typeof candidate?.code === 'string' && typeof candidate.message === 'string';
}

// zlib's codes start with Z_, brotli's with ERR__ERROR or ERR_BROTLI.
const DECODER_CODES = /^(Z_|ERR__ERROR|ERR_BROTLI)/;

/** Whether a stream error came from decoding a Content-Encoding. */
export function isDecoderError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && DECODER_CODES.test(code);
}
