ALTER TABLE "inbound_events" ADD COLUMN "event" jsonb;--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "sent" jsonb;--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "delivered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "lease_owner" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "lease_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "reply" jsonb;--> statement-breakpoint
CREATE INDEX "inbound_events_task_id_index" ON "inbound_events" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "tasks_lease_owner_index" ON "tasks" USING btree ("lease_owner");