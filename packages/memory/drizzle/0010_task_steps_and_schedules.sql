CREATE TABLE "schedules" (
	"id" text PRIMARY KEY NOT NULL,
	"conversation_key" text NOT NULL,
	"conversation" jsonb NOT NULL,
	"author_id" text NOT NULL,
	"author" jsonb NOT NULL,
	"reply_address" jsonb NOT NULL,
	"prompt" text NOT NULL,
	"pattern" text NOT NULL,
	"time_zone" text NOT NULL,
	"next_run_at" timestamp with time zone,
	"last_run_at" timestamp with time zone,
	"runs" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "task_steps" (
	"task_id" text NOT NULL,
	"step" integer NOT NULL,
	"tool_name" text NOT NULL,
	"call_hash" text NOT NULL,
	"risk" text NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"output" text,
	"failed" boolean DEFAULT false NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "task_steps_task_id_step_pk" PRIMARY KEY("task_id","step")
);
--> statement-breakpoint
ALTER TABLE "task_steps" ADD CONSTRAINT "task_steps_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "schedules_due_index" ON "schedules" USING btree ("next_run_at");--> statement-breakpoint
CREATE INDEX "schedules_conversation_index" ON "schedules" USING btree ("conversation_key");