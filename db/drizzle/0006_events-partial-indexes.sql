DROP INDEX "events_service_ts_idx";--> statement-breakpoint
DROP INDEX "events_host_ts_idx";--> statement-breakpoint
DROP INDEX "events_user_id_ts_idx";--> statement-breakpoint
DROP INDEX "events_ip_ts_idx";--> statement-breakpoint
DROP INDEX "events_search_idx";--> statement-breakpoint
CREATE INDEX "events_service_ts_idx" ON "events" USING btree ("service","ts" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "events"."service" is not null;--> statement-breakpoint
CREATE INDEX "events_host_ts_idx" ON "events" USING btree ("host","ts" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "events"."host" is not null;--> statement-breakpoint
CREATE INDEX "events_user_id_ts_idx" ON "events" USING btree ("user_id","ts" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "events"."user_id" is not null;--> statement-breakpoint
CREATE INDEX "events_ip_ts_idx" ON "events" USING btree ("ip","ts" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "events"."ip" is not null;--> statement-breakpoint
CREATE INDEX "events_search_idx" ON "events" USING gin ("search") WHERE "events"."message" is not null;