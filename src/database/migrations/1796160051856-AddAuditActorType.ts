import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `audit_events.actor_type` says what `actor_id` names. Existing rows are typed by their event:
 * until now only `api_key.refused` stored a key id, and every other actor id was the acting
 * admin's user id. Rows without an actor id keep no type (no `system` rows existed before).
 */
export class AddAuditActorType1796160051856 implements MigrationInterface {
  name = 'AddAuditActorType1796160051856';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_events" ADD "actor_type" character varying(16)`);
    await queryRunner.query(
      `UPDATE "audit_events" SET "actor_type" = CASE WHEN "type" = 'api_key.refused' THEN 'api_key' ELSE 'user' END WHERE "actor_id" IS NOT NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "audit_events" ADD CONSTRAINT "CHK_audit_events_actor" CHECK (("actor_type" IS NULL AND "actor_id" IS NULL) OR ("actor_type" = 'system' AND "actor_id" IS NULL) OR ("actor_type" IN ('user', 'api_key') AND "actor_id" IS NOT NULL))`,
    );
  }

  /** Drops the type; `system` rows then read as rows without an actor, as they did before. */
  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_events" DROP CONSTRAINT "CHK_audit_events_actor"`);
    await queryRunner.query(`ALTER TABLE "audit_events" DROP COLUMN "actor_type"`);
  }
}
