import ipaddr from 'ipaddr.js';

type Range = [bigint, bigint];

const ALL_IPV6: Range = [0n, (1n << 128n) - 1n];
/** ::ffff:0:0/96, where IPv4 addresses live in the IPv6 space. */
const ALL_IPV4: Range = [0xffff_0000_0000n, 0xffff_ffff_ffffn];

/** An address or CIDR range as an inclusive interval of the IPv6 space (IPv4 as IPv4-mapped). */
function toRange(entry: string): Range {
  const [parsed, prefix] = entry.includes('/')
    ? ipaddr.parseCIDR(entry)
    : ((address) => [address, address.kind() === 'ipv4' ? 32 : 128] as const)(ipaddr.parse(entry));
  const address = parsed.kind() === 'ipv4' ? (parsed as ipaddr.IPv4).toIPv4MappedAddress() : parsed;
  const bits = parsed.kind() === 'ipv4' ? 96 + prefix : prefix;
  const value = address.toByteArray().reduce((sum, byte) => (sum << 8n) | BigInt(byte), 0n);
  const size = 1n << BigInt(128 - bits);
  const start = value - (value % size);
  return [start, start + size - 1n];
}

function covers(ranges: Range[], [from, to]: Range): boolean {
  let next = from;
  for (const [start, end] of [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    if (start > next) break;
    if (end >= next) next = end + 1n;
    if (next > to) return true;
  }
  return false;
}

/**
 * Whether addresses and CIDR ranges together trust every client address, of IPv4 or of IPv6:
 * then any client can write its own X-Forwarded-For, as with `true`.
 * Entries must already be valid addresses or ranges (keywords such as `loopback` are skipped).
 */
export function coversEveryAddress(entries: string[]): boolean {
  const ranges = entries.filter((entry) => ipaddr.isValid(entry.split('/')[0])).map(toRange);
  return covers(ranges, ALL_IPV6) || covers(ranges, ALL_IPV4);
}

/** Private blocks a proxy fleet may live in, whatever their size. */
const PRIVATE_BLOCKS = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  'fc00::/7',
  'fe80::/10',
].map(toRange);

/**
 * A range wider than /8 (IPv4) or /32 (IPv6) that is not inside a private block: no deployment
 * has proxies spread over 16 million public addresses, so such an entry trusts clients too
 * (`0.0.0.0/1` alone hands half the internet its own X-Forwarded-For).
 */
export function isTooBroad(entry: string): boolean {
  const [address, prefix] = entry.split('/');
  if (prefix === undefined || !ipaddr.isValid(address)) return false;
  const limit = ipaddr.parse(address).kind() === 'ipv4' ? 8 : 32;
  if (Number(prefix) >= limit) return false;
  const [start, end] = toRange(entry);
  return !PRIVATE_BLOCKS.some(([from, to]) => start >= from && end <= to);
}
