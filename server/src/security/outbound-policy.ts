import dns from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { DEFAULT_OUTBOUND_DENY, OUTBOUND_ALLOW_SETTING, OUTBOUND_DENY_SETTING, parseCidr, type OutboundRules } from '../config/outbound-rules';

/** A connection the policy refuses; `code` lets callers tell it from a network failure. */
export class OutboundRefused extends Error {
  readonly code = 'ERR_OUTBOUND_DENIED';

  constructor(
    readonly address: string,
    host: string,
  ) {
    const via = host === address ? '' : ` (${host})`;
    super(`connecting to ${address}${via} is refused: the address is in ${OUTBOUND_DENY_SETTING} and not in ${OUTBOUND_ALLOW_SETTING}`);
    this.name = 'OutboundRefused';
  }
}

/** Whether `error`, or an error it was caused by, is the policy's refusal. */
export function outboundRefusalIn(error: unknown): OutboundRefused | null {
  for (let current = error, depth = 0; current !== null && typeof current === 'object' && depth < 5; depth += 1) {
    if (current instanceof OutboundRefused) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/**
 * Which addresses Baton's outbound requests may connect to: any address, except those in the
 * deny list that the allow list does not name. The check is made on the address a connection is
 * opened to — after DNS, through `lookup`, or on a literal address in the URL — so a name that
 * resolves to a denied address is refused before anything is sent, and a keep-alive connection
 * that is reused is not checked again.
 */
export class OutboundPolicy {
  private readonly deny = new BlockList();
  private readonly allow = new BlockList();

  constructor(rules: OutboundRules) {
    addAll(this.deny, rules.deny, OUTBOUND_DENY_SETTING);
    addAll(this.allow, rules.allow, OUTBOUND_ALLOW_SETTING);
  }

  /** The refusal of a connection to the IP `address` made for `host`, or null when it may be made. */
  refusal(address: string, host = address): OutboundRefused | null {
    const ip = withoutIpv4Mapping(address);
    const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (!this.deny.check(ip, family) || this.allow.check(ip, family)) return null;
    return new OutboundRefused(ip, host);
  }

  /** Throws the refusal when `hostname` is a literal address the policy refuses: such hosts are never looked up. */
  checkHost(hostname: string): void {
    const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
    if (isIP(host) === 0) return;
    const refusal = this.refusal(host);
    if (refusal) throw refusal;
  }

  /** A `lookup` for sockets (`net.connect`, http agents): DNS as usual, failing when any address found is refused. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, options.all ? [] : '', undefined);
      const refused = addresses.map((found) => this.refusal(found.address, hostname)).find((refusal) => refusal !== null);
      if (refused) return callback(refused, options.all ? [] : '', undefined);
      const [first] = addresses;
      if (options.all || first === undefined) return callback(null, addresses, undefined);
      callback(null, first.address, first.family);
    });
  };
}

let defaultPolicy: OutboundPolicy | undefined;

/** The policy of a Baton whose operator set neither variable; made on first use, as parsing IPv6 first costs a moment. */
export function defaultOutboundPolicy(): OutboundPolicy {
  defaultPolicy ??= new OutboundPolicy({ deny: DEFAULT_OUTBOUND_DENY, allow: [] });
  return defaultPolicy;
}

function addAll(list: BlockList, cidrs: readonly string[], setting: string): void {
  for (const text of cidrs) {
    const cidr = parseCidr(text);
    if (cidr === null) throw new RangeError(`${setting}: '${text}' is not an IPv4 or IPv6 address or CIDR range`);
    list.addSubnet(cidr.address, cidr.prefix, cidr.family);
  }
}

// ::ffff:169.254.169.254 reaches 169.254.169.254: an IPv4-mapped address is judged as IPv4.
// The URL parser writes any IPv6 form canonically, so the mapped ones all read `::ffff:hhhh:hhhh`.
function withoutIpv4Mapping(address: string): string {
  const ip = address.replace(/%.*$/, '');
  if (isIP(ip) !== 6) return ip;
  const mapped = /^\[::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})\]$/.exec(new URL(`http://[${ip}]/`).hostname);
  if (mapped === null) return ip;
  const high = parseInt(mapped[1] ?? '0', 16);
  const low = parseInt(mapped[2] ?? '0', 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}
