import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAuditEvents1795303436231 implements MigrationInterface {
  name = 'CreateAuditEvents1795303436231';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "type" character varying(64) NOT NULL, "user_id" uuid, "actor_id" character varying(64), "reason" character varying(64), "ip" character varying(64), "user_agent" character varying(512), "request_id" character varying(128), "details" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IX_audit_events_type_created" ON "audit_events"  ("type", "created_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IX_audit_events_user_created" ON "audit_events"  ("user_id", "created_at") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IX_audit_events_user_created"`);
    await queryRunner.query(`DROP INDEX "public"."IX_audit_events_type_created"`);
    await queryRunner.query(`DROP TABLE "audit_events"`);
  }
}
