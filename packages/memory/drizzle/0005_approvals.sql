CREATE TABLE "approvals" (
	"id" text PRIMARY KEY NOT NULL,
	"task_id" text NOT NULL,
	"conversation_key" text NOT NULL,
	"requester" text NOT NULL,
	"tool_name" text NOT NULL,
	"arguments_hash" text NOT NULL,
	"arguments" jsonb,
	"summary" text NOT NULL,
	"choices" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"choice" text,
	"decided_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "approvals_task_index" ON "approvals" USING btree ("task_id");