import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateApiKeys1795307651667 implements MigrationInterface {
  name = 'CreateApiKeys1795307651667';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "api_keys" ("id" character varying(16) NOT NULL, "name" character varying(100) NOT NULL, "prefix" character varying(16) NOT NULL, "secret_hash" character varying(64) NOT NULL, "scopes" text array NOT NULL DEFAULT '{}', "rate_limit" integer, "rate_limit_ttl" integer, "expires_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, "created_by" uuid, "replaced_by" character varying(16), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_api_keys_rate_limit" CHECK (("rate_limit" IS NULL) = ("rate_limit_ttl" IS NULL)), CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IX_api_keys_created_at" ON "api_keys"  ("created_at") `);
    await queryRunner.query(
      `ALTER TABLE "api_keys" ADD CONSTRAINT "FK_983d7eb19ca94bb8e343293068e" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "api_keys" ADD CONSTRAINT "FK_436389b1de60fbb3e1b0091553b" FOREIGN KEY ("replaced_by") REFERENCES "api_keys"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "api_keys" DROP CONSTRAINT "FK_436389b1de60fbb3e1b0091553b"`,
    );
    await queryRunner.query(
      `ALTER TABLE "api_keys" DROP CONSTRAINT "FK_983d7eb19ca94bb8e343293068e"`,
    );
    await queryRunner.query(`DROP INDEX "public"."IX_api_keys_created_at"`);
    await queryRunner.query(`DROP TABLE "api_keys"`);
  }
}
