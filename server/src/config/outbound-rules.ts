import { isIP } from 'node:net';

/** The outbound address settings, parsed here so that validating them at start needs nothing of `security/`. */

export const OUTBOUND_DENY_SETTING = 'BATON_OUTBOUND_DENY';
export const OUTBOUND_ALLOW_SETTING = 'BATON_OUTBOUND_ALLOW';

/**
 * Link-local addresses, where most clouds answer metadata requests (169.254.169.254), and the
 * metadata addresses outside them: AWS over IPv6, Alibaba Cloud, Oracle Cloud.
 */
export const DEFAULT_OUTBOUND_DENY: readonly string[] = ['169.254.0.0/16', 'fe80::/10', 'fd00:ec2::254/128', '100.100.100.200/32', '192.0.0.192/32'];

/** The address rules as plain CIDR text, so that they can cross into plugin workers. */
export interface OutboundRules {
  deny: readonly string[];
  allow: readonly string[];
}

export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/**
 * `address/prefix`, or a single address, IPv4 or IPv6; null when the text is neither.
 *
 * @example
 * ```ts
 * parseCidr('fd00:ec2::254/128'); // { address: 'fd00:ec2::254', prefix: 128, family: 'ipv6' }
 * ```
 */
export function parseCidr(text: string): Cidr | null {
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return null;
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}
