CREATE TABLE "alert_activity" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "alert_activity_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"alert_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"note" text,
	CONSTRAINT "alert_activity_action_check" CHECK ("alert_activity"."action" in ('acknowledged', 'resolved', 'reopened', 'commented', 'silenced', 'notified')),
	CONSTRAINT "alert_activity_note_check" CHECK (char_length("alert_activity"."note") <= 2000),
	CONSTRAINT "alert_activity_actor_check" CHECK (char_length("alert_activity"."actor") <= 200)
);
--> statement-breakpoint
ALTER TABLE "alert_activity" ADD CONSTRAINT "alert_activity_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_activity_alert_at_idx" ON "alert_activity" USING btree ("alert_id","at" DESC NULLS FIRST,"id" DESC NULLS FIRST);