import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { User } from '../users/user.entity';
import type { ApiKeyScope } from '../security/scopes';

/**
 * An API key as stored: its public id (the `<keyId>` part of the key) and an HMAC of its secret,
 * never the secret. A rotated key points at its successor and expires when its grace ends.
 */
@Entity({ name: 'api_keys' })
@Index('IX_api_keys_created_at', ['createdAt'])
@Check('CHK_api_keys_rate_limit', '("rate_limit" IS NULL) = ("rate_limit_ttl" IS NULL)')
export class ApiKey {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** The `API_KEY_PREFIX` the key was issued with; kept so that changing the prefix is visible. */
  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  /** HMAC-SHA-256 of the secret under `API_KEY_PEPPER`, base64url. */
  @Column({ name: 'secret_hash', type: 'varchar', length: 64 })
  secretHash!: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  scopes!: ApiKeyScope[];

  /** The key's own limit: `rateLimit` requests per `rateLimitTtl` seconds; null for the default. */
  @Column({ name: 'rate_limit', type: 'integer', nullable: true })
  rateLimit!: number | null;

  @Column({ name: 'rate_limit_ttl', type: 'integer', nullable: true })
  rateLimitTtl!: number | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /** Written at most once a minute per key and instance, off the request path. */
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdById!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'created_by' })
  createdBy?: User | null;

  /** The key that replaced this one in a rotation. */
  @Column({ name: 'replaced_by', type: 'varchar', length: 16, nullable: true })
  replacedById!: string | null;

  @ManyToOne(() => ApiKey, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'replaced_by' })
  replacedBy?: ApiKey | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** The key's own limit, or null when it uses the default. */
export function rateLimitOf(
  key: Pick<ApiKey, 'rateLimit' | 'rateLimitTtl'>,
): { limit: number; ttlSeconds: number } | null {
  return key.rateLimit !== null && key.rateLimitTtl !== null
    ? { limit: key.rateLimit, ttlSeconds: key.rateLimitTtl }
    : null;
}
