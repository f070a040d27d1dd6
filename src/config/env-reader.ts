import { isIP } from 'node:net';
import { coversEveryAddress, isTooBroad } from './trust-proxy-ranges';

type Env = Record<string, string | undefined>;

/**
 * Reads typed values out of the environment and collects every problem, so one boot attempt
 * reports all the bad variables at once, each by name.
 */
export class EnvReader {
  readonly problems: string[] = [];
  /** Every variable name asked for, so a test can hold .env.example to the same list. */
  readonly names = new Set<string>();

  constructor(private readonly env: Env) {}

  /** The raw, trimmed value; undefined when unset or blank. */
  raw(name: string): string | undefined {
    this.names.add(name);
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  int(name: string, fallback: number, bounds: { min?: number; max?: number } = {}): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value))
      return this.fail(name, `must be a whole number, got "${value}"`, fallback);
    const parsed = Number(value);
    if (bounds.min !== undefined && parsed < bounds.min) {
      return this.fail(name, `must be at least ${bounds.min}, got ${parsed}`, fallback);
    }
    if (bounds.max !== undefined && parsed > bounds.max) {
      return this.fail(name, `must be at most ${bounds.max}, got ${parsed}`, fallback);
    }
    return parsed;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes', 'on'].includes(value)) return true;
    if (['false', '0', 'no', 'off'].includes(value)) return false;
    return this.fail(name, `must be true or false, got "${value}"`, fallback);
  }

  oneOf<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((choices as readonly string[]).includes(value)) return value as T;
    return this.fail(name, `must be one of ${choices.join(', ')}, got "${value}"`, fallback);
  }

  list(name: string): string[] {
    return (this.raw(name) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }

  /** A size in bytes: `16384`, `16kb`, `1mb` (binary multiples). */
  bytes(name: string, fallback: number, bounds: { min: number; max: number }): number {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    const match = /^(\d+)\s*(b|kb|kib|mb|mib)?$/.exec(value);
    if (!match)
      return this.fail(name, `must be a size such as 16384, 16kb or 1mb, got "${value}"`, fallback);
    const unit = match[2] ?? 'b';
    const multiplier = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : 1;
    const parsed = Number(match[1]) * multiplier;
    if (parsed < bounds.min || parsed > bounds.max) {
      return this.fail(
        name,
        `must be between ${bounds.min} and ${bounds.max} bytes, got ${parsed}`,
        fallback,
      );
    }
    return parsed;
  }

  url(name: string, protocols: readonly string[]): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      return this.fail(name, 'must be a URL', undefined);
    }
    if (!protocols.includes(parsed.protocol)) {
      return this.fail(
        name,
        `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
        undefined,
      );
    }
    return value;
  }

  email(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    // A sanity check only; the users module applies the real rules when the admin is created.
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value))
      return this.fail(name, 'must be an email address', undefined);
    return value;
  }

  /** Exact browser origins (`https://app.example.com`); `*` is refused because cookies travel with CORS. */
  origins(name: string): string[] {
    const origins = this.list(name);
    for (const origin of origins) {
      if (origin === '*') {
        this.fail(name, 'must list exact origins; "*" is not allowed with credentials', undefined);
        continue;
      }
      let parsed: URL | undefined;
      try {
        parsed = new URL(origin);
      } catch {
        parsed = undefined;
      }
      if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin) {
        this.fail(
          name,
          `"${origin}" is not an origin such as https://app.example.com (no path, no trailing slash)`,
          undefined,
        );
      }
    }
    return origins;
  }

  /**
   * Which reverse proxies may set X-Forwarded-For: `false` (none, the default), a hop count,
   * or a list of addresses / CIDR ranges / proxy-addr keywords. `true` is refused: trusting every
   * hop lets any client pick its own IP and escape per-IP rate limits. So is a list whose ranges
   * together cover every IPv4 or every IPv6 address (`0.0.0.0/0`, `0.0.0.0/1,128.0.0.0/1`): it
   * amounts to `true`.
   */
  trustProxy(name: string): false | number | string[] {
    const value = this.raw(name);
    if (value === undefined || value.toLowerCase() === 'false') return false;
    if (value.toLowerCase() === 'true') {
      return this.fail(
        name,
        'must name the proxies to trust (addresses, CIDR ranges or a hop count), not "true"',
        false,
      );
    }
    if (/^\d+$/.test(value)) return Number(value);
    const entries = this.list(name);
    const keywords = ['loopback', 'linklocal', 'uniquelocal'];
    let valid = true;
    for (const entry of entries) {
      if (keywords.includes(entry)) continue;
      const problem = proxyEntryProblem(entry, keywords);
      if (problem !== undefined) {
        valid = false;
        this.fail(name, problem, undefined);
      }
    }
    if (valid && coversEveryAddress(entries)) {
      return this.fail(
        name,
        'trusts every address (its ranges cover all of IPv4 or IPv6), so any client could forge X-Forwarded-For: name the proxies',
        false,
      );
    }
    return entries;
  }

  /** Record a problem found by a rule that spans several variables. */
  fail<T>(name: string, problem: string, fallback: T): T {
    this.problems.push(`${name} ${problem}`);
    return fallback;
  }
}

/** Why an address or CIDR range is unusable, or undefined when it is fine. */
function proxyEntryProblem(entry: string, keywords: string[]): string | undefined {
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0 || (prefix !== undefined && !/^\d{1,3}$/.test(prefix)))
    return `"${entry}" is not an IP address, CIDR range, hop count or one of ${keywords.join(', ')}`;
  if (prefix === undefined) return undefined;
  const bits = Number(prefix);
  // proxy-addr (Fastify's trust-proxy check) throws on /0, which would trust everyone anyway.
  if (bits === 0)
    return `"${entry}" is a /0 range: it trusts every address, so any client could forge X-Forwarded-For`;
  const max = version === 4 ? 32 : 128;
  if (bits > max) return `"${entry}" has a prefix longer than /${max}`;
  if (isTooBroad(entry))
    return `"${entry}" trusts more addresses than any proxy fleet has (wider than /${version === 4 ? 8 : 32} outside private ranges), so clients there could forge X-Forwarded-For: name the proxies or a narrower range`;
  return undefined;
}
