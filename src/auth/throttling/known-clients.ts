import { Injectable } from '@nestjs/common';
import { KeyValueStore } from '../../state/key-value.store';
import { sha256 } from '../../common/crypto/sha256';

const REMEMBER_MS = 30 * 24 * 3600 * 1000;

/**
 * The client addresses an account has signed in from lately (30 days). The per-email limit,
 * the one a third party could trip for an account, does not apply to them: an attacker spraying
 * guesses from elsewhere locks the email for everyone but its owner's usual address, which still
 * has its own per-email-and-IP limit. (OWASP's "device cookie" idea, keyed by address.)
 */
@Injectable()
export class KnownClients {
  constructor(private readonly store: KeyValueStore) {}

  async isKnown(email: string, ip: string): Promise<boolean> {
    return (await this.store.get(keyOf(email, ip))) !== null;
  }

  async remember(email: string, ip: string): Promise<void> {
    await this.store.set(keyOf(email, ip), '1', REMEMBER_MS);
  }
}

function keyOf(email: string, ip: string): string {
  return `known-client:${sha256(`${email}|${ip}`)}`;
}
