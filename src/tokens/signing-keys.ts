import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { generateKeyPair } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AppConfig } from '../config/app-config';
import { ConfigError } from '../config/config.error';
import { InjectConfig } from '../config/config.module';
import { signingKeyFromPem, splitPemBlocks, type SigningKey } from './signing-key';

/**
 * The RS256 keys: every configured key verifies and is published in the JWKS; one of them (the
 * active one) signs. Keys come from JWT_PRIVATE_KEYS or JWT_KEYS_DIR; in development, with
 * neither set, a key pair is generated once into $DATA_DIR/keys.
 */
@Injectable()
export class SigningKeys implements OnModuleInit {
  private readonly logger = new Logger('SigningKeys');
  private keys = new Map<string, SigningKey>();
  private activeKey?: SigningKey;

  constructor(@InjectConfig() private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    const { source, pems } = await this.loadPems();
    const keys: SigningKey[] = [];
    for (const [index, pem] of pems.entries()) {
      try {
        keys.push(signingKeyFromPem(pem));
      } catch (error) {
        throw new ConfigError([
          `${source} key #${index + 1} is not usable: ${(error as Error).message}`,
        ]);
      }
    }
    this.keys = new Map(keys.map((key) => [key.kid, key]));
    this.activeKey = this.pickActive(source, keys);
    this.logger.log(`Signing with key ${this.activeKey.kid}; ${keys.length} key(s) verify`);
  }

  get active(): SigningKey & { privateKey: NonNullable<SigningKey['privateKey']> } {
    const key = this.activeKey;
    if (key?.privateKey === undefined) throw new Error('signing keys are not loaded');
    return key as SigningKey & { privateKey: NonNullable<SigningKey['privateKey']> };
  }

  find(kid: string): SigningKey | undefined {
    return this.keys.get(kid);
  }

  /** The JWKS: public members of every key that may still verify a live token. */
  jwks(): { keys: SigningKey['jwk'][] } {
    return { keys: [...this.keys.values()].map((key) => key.jwk) };
  }

  private pickActive(source: string, keys: SigningKey[]): SigningKey {
    const signers = keys.filter((key) => key.privateKey !== undefined);
    const wanted = this.config.jwt.activeKid;
    if (wanted !== undefined) {
      const key = signers.find((candidate) => candidate.kid === wanted);
      if (key === undefined) {
        const known = signers.map((candidate) => candidate.kid).join(', ') || 'none';
        throw new ConfigError([
          `JWT_ACTIVE_KID ${wanted} is not one of the private keys in ${source} (${known})`,
        ]);
      }
      return key;
    }
    if (signers.length !== 1) {
      throw new ConfigError([
        signers.length === 0
          ? `${source} holds no private key: at least one key must be able to sign`
          : `JWT_ACTIVE_KID must name the signing key when ${source} holds several private keys (${signers.map((k) => k.kid).join(', ')})`,
      ]);
    }
    return signers[0];
  }

  private async loadPems(): Promise<{ source: string; pems: string[] }> {
    const { privateKeys, keysDir } = this.config.jwt;
    if (privateKeys !== undefined) {
      const pems = splitPemBlocks(privateKeys);
      if (pems.length === 0) throw new ConfigError(['JWT_PRIVATE_KEYS holds no PEM key']);
      return { source: 'JWT_PRIVATE_KEYS', pems };
    }
    if (keysDir !== undefined)
      return { source: 'JWT_KEYS_DIR', pems: await readKeysDir(keysDir, 'JWT_KEYS_DIR') };
    // Development only: production refuses to start without configured keys (see app-config).
    const dir = join(this.config.dataDir, 'keys');
    let pems = await readKeysDir(dir, undefined);
    if (pems.length === 0) {
      this.logger.log(
        `No signing keys configured: generating a key pair into ${dir} (development only)`,
      );
      const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFile(join(dir, `${signingKeyFromPem(pem).kid}.pem`), pem, { mode: 0o600 });
      pems = [pem];
    }
    return { source: dir, pems };
  }
}

async function readKeysDir(dir: string, variable: string | undefined): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.pem')).sort();
  } catch (error) {
    if (variable === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConfigError([`${variable ?? dir} cannot be read: ${(error as Error).message}`]);
  }
  if (variable !== undefined && names.length === 0)
    throw new ConfigError([`${variable} (${dir}) holds no *.pem file`]);
  const texts = await Promise.all(names.map((name) => readFile(join(dir, name), 'utf8')));
  return texts.flatMap(splitPemBlocks);
}
