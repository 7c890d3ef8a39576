ALTER TABLE "alerts" ADD COLUMN "published_revision" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "alerts_unpublished_idx" ON "alerts" USING btree ("id") WHERE "alerts"."published_revision" < "alerts"."revision";--> statement-breakpoint
-- What is stored before this migration counts as published: the sweep repairs only changes made after it.
UPDATE "alerts" SET "published_revision" = "revision";
