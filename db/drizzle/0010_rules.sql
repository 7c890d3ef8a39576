CREATE TABLE "rule_versions" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "rule_versions_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"rule_id" text NOT NULL,
	"version" integer NOT NULL,
	"rule" jsonb NOT NULL,
	"change" text NOT NULL,
	"changed_by" text NOT NULL,
	"changed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "rule_versions_change_check" CHECK ("rule_versions"."change" in ('created', 'replaced', 'enabled', 'disabled', 'deleted', 'restored')),
	CONSTRAINT "rule_versions_changed_by_check" CHECK (char_length("rule_versions"."changed_by") <= 200)
);
--> statement-breakpoint
CREATE TABLE "rules" (
	"id" text PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"enabled" boolean NOT NULL,
	"rule" jsonb NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "rules_version_check" CHECK ("rules"."version" >= 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "rule_versions_rule_version_idx" ON "rule_versions" USING btree ("rule_id","version");