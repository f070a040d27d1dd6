/** What kind of caller acted, as stored in `audit_events.actor_type`. */
export const AUDIT_ACTOR_TYPES = ['user', 'api_key', 'system'] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];

/**
 * Who acted, when it is not the user the event is about: an admin (by user id), an API key (by
 * key id), or the service itself (no id: the boot-time admin account). Typed, so that an id is
 * never stored without saying what it names.
 */
export type AuditActor =
  { type: 'user'; id: string } | { type: 'api_key'; id: string } | { type: 'system' };

export const SYSTEM_ACTOR: AuditActor = { type: 'system' };

/** The two columns an actor is stored in; both null when the event has no separate actor. */
export function actorColumns(actor: AuditActor | undefined): {
  actorType: AuditActorType | null;
  actorId: string | null;
} {
  if (actor === undefined) return { actorType: null, actorId: null };
  return { actorType: actor.type, actorId: actor.type === 'system' ? null : actor.id };
}
