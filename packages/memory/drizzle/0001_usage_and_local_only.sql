ALTER TABLE "conversations" ADD COLUMN "local_only" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "tasks_author_created_index" ON "tasks" USING btree ("author_id","created_at");--> statement-breakpoint
CREATE INDEX "tasks_created_index" ON "tasks" USING btree ("created_at");