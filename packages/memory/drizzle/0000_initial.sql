CREATE TABLE "conversations" (
	"key" text PRIMARY KEY NOT NULL,
	"platform" text NOT NULL,
	"account" text NOT NULL,
	"channel" text NOT NULL,
	"thread" text,
	"direct" boolean NOT NULL,
	"pinned_model" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identities" (
	"id" serial PRIMARY KEY NOT NULL,
	"platform" text NOT NULL,
	"platform_user_id" text NOT NULL,
	"display_name" text NOT NULL,
	"role" text DEFAULT 'member' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "identities_platform_user_unique" UNIQUE("platform","platform_user_id")
);
--> statement-breakpoint
CREATE TABLE "inbound_events" (
	"id" text PRIMARY KEY NOT NULL,
	"task_id" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"conversation_key" text NOT NULL,
	"role" text NOT NULL,
	"content" text NOT NULL,
	"task_id" text,
	"author_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "task_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"task_id" text NOT NULL,
	"type" text NOT NULL,
	"data" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"sequence" bigserial NOT NULL,
	"conversation_key" text NOT NULL,
	"author_id" text NOT NULL,
	"command" text NOT NULL,
	"status" text NOT NULL,
	"model" text,
	"route_reason" text,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	"cost_usd" numeric(18, 10) DEFAULT 0 NOT NULL,
	"time_to_first_token_ms" integer,
	"duration_ms" integer,
	"error_code" text,
	"error_message" text,
	"attempts" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "tasks_event_id_unique" UNIQUE("event_id")
);
--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_conversation_key_conversations_key_fk" FOREIGN KEY ("conversation_key") REFERENCES "public"."conversations"("key") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_events" ADD CONSTRAINT "task_events_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "messages_conversation_id_index" ON "messages" USING btree ("conversation_key","id");--> statement-breakpoint
CREATE INDEX "task_events_task_id_index" ON "task_events" USING btree ("task_id","id");--> statement-breakpoint
CREATE INDEX "tasks_conversation_created_index" ON "tasks" USING btree ("conversation_key","created_at");