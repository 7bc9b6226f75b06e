import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

const LOOPBACK = ['127.0.0.0/8', '::1/128'];
const EVERY_ADDRESS = ['0.0.0.0/0', '::/0'];
const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** An address without its IPv4-mapped IPv6 prefix (`::ffff:1.2.3.4` is `1.2.3.4`), so both forms count as one client. */
function plainAddress(address: string): string {
  return IPV4_MAPPED.exec(address)?.[1] ?? address;
}

function family(address: string): 'ipv4' | 'ipv6' | undefined {
  const version = isIP(address);
  if (version === 4) return 'ipv4';
  return version === 6 ? 'ipv6' : undefined;
}

/** One TRUST_PROXY entry as a CIDR subnet (`loopback` is two), or undefined when it is not valid. */
function subnetsOf(entry: string): string[] | undefined {
  if (entry === 'loopback') return LOOPBACK;
  const [address = '', prefix, ...rest] = entry.split('/');
  const network = plainAddress(address);
  const kind = family(network);
  const mapped = network !== address;
  if (!kind || rest.length > 0 || prefix === '' || (mapped && prefix !== undefined)) return undefined;
  const max = kind === 'ipv4' ? 32 : 128;
  const bits = prefix === undefined ? max : Number(prefix);
  if (!Number.isInteger(bits) || bits < 0 || bits > max) return undefined;
  return [`${network}/${bits}`];
}

/**
 * Parses TRUST_PROXY into the subnets of trusted proxies: `false` none, `true` every address, else a comma list of
 * `loopback`, addresses and CIDR subnets. Undefined when the value is not valid.
 */
export function trustedProxySubnets(value: string): string[] | undefined {
  const trimmed = value.trim();
  if (trimmed === 'false') return [];
  if (trimmed === 'true') return EVERY_ADDRESS;
  const entries = trimmed
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return undefined;
  const subnets: string[] = [];
  for (const entry of entries) {
    const parsed = subnetsOf(entry);
    if (!parsed) return undefined;
    subnets.push(...parsed);
  }
  return subnets;
}

/** A predicate telling whether a peer address is one of the trusted proxies' subnets (from `trustedProxySubnets`). */
export function proxyTrust(subnets: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const subnet of subnets) {
    const [network = '', bits] = subnet.split('/');
    list.addSubnet(network, Number(bits), family(network));
  }
  return (address) => {
    const plain = plainAddress(address);
    const kind = family(plain);
    return kind !== undefined && list.check(plain, kind);
  };
}

/**
 * The client's address for per-address limits: the socket's peer, unless the peer is a trusted proxy; then the
 * `X-Forwarded-For` hops are walked from the right (the nearest) while each is itself trusted, and the first
 * untrusted hop is the client. A client can prepend whatever it likes, but never gets past an untrusted hop.
 */
export function clientAddress(req: IncomingMessage, trusted: (address: string) => boolean): string {
  // A request whose connection is already gone has no socket left to ask.
  let address = plainAddress((req.socket as IncomingMessage['socket'] | null)?.remoteAddress ?? 'unknown');
  if (!trusted(address)) return address;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((hop) => plainAddress(hop.trim()))
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    address = hops[i] as string;
    if (!trusted(address)) break;
  }
  return address;
}
