import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { AuditActorType } from './audit-actor';

export const AUDIT_EVENT_TYPES = [
  'user.registered',
  'login.succeeded',
  'login.failed',
  'login.locked_out',
  'refresh.reuse_detected',
  'logout',
  'logout.all',
  'session.ended',
  'password.changed',
  'password.reset_requested',
  'password.reset',
  'email.verification_sent',
  'email.verified',
  'admin.user_updated',
  'admin.logout_all',
  'api_key.created',
  'api_key.rotated',
  'api_key.revoked',
  'api_key.refused',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** Plain facts only (ids, counts, changed fields): never secrets. */
export type AuditDetails = Record<string, string | number | boolean | null | string[]>;

/** Who did what, when, from where. Never a password, token, key or hash. */
@Entity({ name: 'audit_events' })
@Index('IX_audit_events_user_created', ['userId', 'createdAt'])
@Index('IX_audit_events_type_created', ['type', 'createdAt'])
// A user or an API key is always named by its id; the service itself has none; no type, no id.
@Check(
  'CHK_audit_events_actor',
  `("actor_type" IS NULL AND "actor_id" IS NULL) OR ("actor_type" = 'system' AND "actor_id" IS NULL) OR ("actor_type" IN ('user', 'api_key') AND "actor_id" IS NOT NULL)`,
)
export class AuditEvent {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: AuditEventType;

  /** The account concerned, when there is one (a failed login for an unknown email has none). */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  /**
   * Who acted, when it is not the user concerned: `user` (an admin), `api_key`, or `system` (the
   * service itself). Null when the event has no separate actor. See AuditActor.
   */
  @Column({ name: 'actor_type', type: 'varchar', length: 16, nullable: true })
  actorType!: AuditActorType | null;

  /** The acting user's id or API key's id; null for `system` and when there is no actor. */
  @Column({ name: 'actor_id', type: 'varchar', length: 64, nullable: true })
  actorId!: string | null;

  /** A short machine-readable reason, e.g. `bad_password`, `unknown_email`, `disabled`. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  reason!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;

  /** Extra facts (session id, key id, changed fields); never secrets. */
  @Column({ type: 'jsonb', nullable: true })
  details!: AuditDetails | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
