import type { LookupAddress } from 'node:dns';
import { DEFAULT_OUTBOUND_DENY, parseCidr } from '../config/outbound-rules';
import { defaultOutboundPolicy, OutboundPolicy, OutboundRefused, outboundRefusalIn } from './outbound-policy';

/** The addresses the policy's lookup finds for `hostname`, or the error it fails with. */
function lookUp(policy: OutboundPolicy, hostname: string, all: boolean): Promise<string | LookupAddress[]> {
  return new Promise((resolve, reject) => {
    policy.lookup(hostname, { all }, (error, address) => (error ? reject(error) : resolve(address)));
  });
}

describe('OutboundPolicy', () => {
  it.each([
    ['169.254.169.254', true],
    ['169.254.0.1', true],
    ['::ffff:169.254.169.254', true],
    ['::ffff:a9fe:a9fe', true],
    ['0:0:0:0:0:ffff:a9fe:a9fe', true],
    ['::FFFF:169.254.170.2', true],
    ['fe80::1', true],
    ['fe80::1%lo', true],
    ['febf:ffff::1', true],
    ['fd00:ec2::254', true],
    ['fd00:ec2:0:0:0:0:0:254', true],
    ['100.100.100.200', true],
    ['::ffff:100.100.100.200', true],
    ['192.0.0.192', true],
    ['169.253.255.255', false],
    ['169.255.0.0', false],
    ['fec0::1', false],
    ['fd00:ec2::255', false],
    ['100.100.100.201', false],
    ['192.0.0.193', false],
    ['127.0.0.1', false],
    ['::1', false],
    ['::ffff:127.0.0.1', false],
    ['10.1.2.3', false],
  ])('by default, refuses %s: %s', (address, refused) => {
    const refusal = defaultOutboundPolicy().refusal(address);

    expect(refusal !== null).toBe(refused);
  });

  it('names both settings and the address in a refusal, the IPv4 form of a mapped one', () => {
    const refusal = defaultOutboundPolicy().refusal('::ffff:169.254.169.254', 'metadata.example.org');

    expect(refusal).toBeInstanceOf(OutboundRefused);
    expect(refusal?.message).toBe(
      'connecting to 169.254.169.254 (metadata.example.org) is refused: the address is in BATON_OUTBOUND_DENY and not in BATON_OUTBOUND_ALLOW',
    );
    expect(refusal?.code).toBe('ERR_OUTBOUND_DENIED');
  });

  it('lets the allow list make exceptions to the deny list, mapped IPv6 included', () => {
    const policy = new OutboundPolicy({ deny: ['127.0.0.0/8', 'fd00::/8'], allow: ['127.0.0.1/32', 'fd00::1'] });

    expect(policy.refusal('127.0.0.1')).toBeNull();
    expect(policy.refusal('::ffff:127.0.0.1')).toBeNull();
    expect(policy.refusal('fd00::1')).toBeNull();
    expect(policy.refusal('127.0.0.2')?.address).toBe('127.0.0.2');
    expect(policy.refusal('::ffff:7f00:2')?.address).toBe('127.0.0.2');
    expect(policy.refusal('fd00::2')?.address).toBe('fd00::2');
  });

  it('judges literal hosts as URLs write them, brackets included, and leaves names to the lookup', () => {
    const check = (url: string) => () => defaultOutboundPolicy().checkHost(new URL(url).hostname);

    expect(check('http://169.254.169.254/latest/meta-data/')).toThrow(/169\.254\.169\.254.*BATON_OUTBOUND_DENY/);
    expect(check('http://[::ffff:169.254.169.254]/')).toThrow(/169\.254\.169\.254.*BATON_OUTBOUND_DENY/);
    expect(check('http://0xa9fea9fe/')).toThrow(/169\.254\.169\.254.*BATON_OUTBOUND_DENY/);
    expect(check('http://[fd00:ec2::254]/')).toThrow(/fd00:ec2::254.*BATON_OUTBOUND_DENY/);
    expect(check('http://metadata.example.org/')).not.toThrow();
    expect(check('http://127.0.0.1:8080/')).not.toThrow();
  });

  it('fails a lookup whose name resolves to a denied address, in both forms of the callback', async () => {
    const policy = new OutboundPolicy({ deny: ['127.0.0.0/8', '::1/128'], allow: [] });

    await expect(lookUp(policy, 'localhost', false)).rejects.toThrow(/\(localhost\) is refused: the address is in BATON_OUTBOUND_DENY/);
    await expect(lookUp(policy, 'localhost', true)).rejects.toBeInstanceOf(OutboundRefused);
  });

  it('answers a lookup whose addresses are all allowed as dns.lookup would', async () => {
    const policy = new OutboundPolicy({ deny: ['127.0.0.0/8'], allow: ['127.0.0.1'] });

    const one = await lookUp(policy, '127.0.0.1', false);
    const all = await lookUp(policy, '127.0.0.1', true);

    expect(one).toBe('127.0.0.1');
    expect(all).toEqual([{ address: '127.0.0.1', family: 4 }]);
  });

  it.each([
    [{ deny: ['169.254.0.0/33'], allow: [] }, 'BATON_OUTBOUND_DENY'],
    [{ deny: [], allow: ['localhost'] }, 'BATON_OUTBOUND_ALLOW'],
  ])('refuses the rules %j naming %s', (rules, setting) => {
    expect(() => new OutboundPolicy(rules)).toThrow(setting);
  });

  it('finds its refusal inside the errors that wrap it', () => {
    const refusal = new OutboundRefused('169.254.169.254', '169.254.169.254');

    expect(outboundRefusalIn(new TypeError('fetch failed', { cause: refusal }))).toBe(refusal);
    expect(outboundRefusalIn(new Error('connect ECONNREFUSED'))).toBeNull();
  });
});

describe('parseCidr', () => {
  it.each([
    ['169.254.0.0/16', { address: '169.254.0.0', prefix: 16, family: 'ipv4' }],
    [' 10.1.2.3 ', { address: '10.1.2.3', prefix: 32, family: 'ipv4' }],
    ['fe80::/10', { address: 'fe80::', prefix: 10, family: 'ipv6' }],
    ['::/0', { address: '::', prefix: 0, family: 'ipv6' }],
    ['10.0.0.0/33', null],
    ['fe80::/129', null],
    ['10.0.0.0/', null],
    ['10.0.0.0/8/8', null],
    ['10.0.0.0/-1', null],
    ['10.0.0/8', null],
    ['metadata.example.org', null],
  ])('reads %j as %j', (text, expected) => {
    expect(parseCidr(text)).toEqual(expected);
  });

  it('reads every range of the default deny list', () => {
    expect(DEFAULT_OUTBOUND_DENY.map((text) => parseCidr(text) !== null)).toEqual(DEFAULT_OUTBOUND_DENY.map(() => true));
  });
});
