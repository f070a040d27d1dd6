import { Injectable } from '@nestjs/common';
import { sha256 } from '../../common/crypto/sha256';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/config.module';
import { limitFor } from '../../rate-limit/limits';
import { KeyValueStore, type AtomicScript } from '../../state/key-value.store';

/**
 * KEYS: the email's cooldown marker, the email + IP mail counter. ARGV: cooldown ms, counter
 * limit, counter window ms. Admits one mail (1) unless the email is cooling down or this IP has
 * caused its share of mail to it (0); an admitted mail starts the cooldown and is counted.
 */
const admitMail: AtomicScript<boolean> = {
  name: 'reset-mail-admit',
  lua: `
    if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
    local used = tonumber(redis.call('GET', KEYS[2]) or '0')
    local ttl = redis.call('PTTL', KEYS[2])
    if ttl > 0 and used >= tonumber(ARGV[2]) then return 0 end
    if tonumber(ARGV[1]) > 0 then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
    if ttl > 0 then redis.call('INCR', KEYS[2]) else redis.call('SET', KEYS[2], '1', 'PX', ARGV[3]) end
    return 1`,
  memory: (store, [cooldown, counter], [cooldownMs, limit, windowMs]) => {
    if (store.pttl(cooldown) !== -2) return false;
    const used = Number(store.get(counter) ?? '0');
    const ttl = store.pttl(counter);
    if (ttl > 0 && used >= Number(limit)) return false;
    if (Number(cooldownMs) > 0) store.set(cooldown, '1', Number(cooldownMs));
    if (ttl > 0) store.set(counter, String(used + 1), ttl);
    else store.set(counter, '1', Number(windowMs));
    return true;
  },
  fromRedis: (reply) => reply === 1,
};

/**
 * Which password/forgot requests send a reset mail. The answer is 202 whatever this decides, so
 * nobody can turn a limit on an email into a refusal for its owner; what is limited is mail:
 *
 * - per email, a short cooldown (THROTTLE_FORGOT_COOLDOWN, at most 2 minutes): one mail per
 *   cooldown, whoever asks and from however many addresses. Others' requests can therefore hold
 *   the owner's own mail back for at most one cooldown, and each mail they cause lands in the
 *   owner's mailbox with a working link. There is no hourly cap per email: any cap that others
 *   can fill would keep the owner's mail away until it ends.
 * - per email and client IP, THROTTLE_FORGOT_LIMIT mails per THROTTLE_FORGOT_TTL: what one
 *   address can make the service send to one mailbox. The owner's address has its own count.
 *
 * Requests per IP are limited before this, by the `forgot-ip` throttler (429 to that IP only).
 */
@Injectable()
export class ResetMailGate {
  constructor(
    private readonly store: KeyValueStore,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** True when a reset mail to this (canonical) email, asked for from this IP, may go out now. */
  admit(email: string, ip: string): Promise<boolean> {
    const cooldown = limitFor('reset-mail', email, this.config);
    const perIp = limitFor('reset-mail-ip', `${email}|${ip}`, this.config);
    return this.store.run(
      admitMail,
      [`reset-mail:cooldown:${sha256(cooldown.key)}`, `reset-mail:ip:${sha256(perIp.key)}`],
      [cooldown.ttlSeconds * 1000, perIp.limit, perIp.ttlSeconds * 1000],
    );
  }
}
