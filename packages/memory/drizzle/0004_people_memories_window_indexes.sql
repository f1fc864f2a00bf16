CREATE TABLE "conversation_summaries" (
	"conversation_key" text PRIMARY KEY NOT NULL,
	"content" text NOT NULL,
	"through_message_id" bigint NOT NULL,
	"task_id" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "export_links" (
	"token" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "link_codes" (
	"code" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "memories" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"channel_key" text,
	"conversation_key" text,
	"content" text NOT NULL,
	"source" text NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', content)) STORED NOT NULL,
	"embedding" real[],
	"embedding_model" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" text PRIMARY KEY NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_identities" (
	"identity" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"linked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "messages_conversation_id_index";--> statement-breakpoint
DROP INDEX "tasks_conversation_created_index";--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "team_memory" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "conversation_summaries" ADD CONSTRAINT "conversation_summaries_conversation_key_conversations_key_fk" FOREIGN KEY ("conversation_key") REFERENCES "public"."conversations"("key") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "export_links" ADD CONSTRAINT "export_links_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "link_codes" ADD CONSTRAINT "link_codes_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memories" ADD CONSTRAINT "memories_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_identities" ADD CONSTRAINT "person_identities_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "export_links_person_index" ON "export_links" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "link_codes_person_index" ON "link_codes" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "memories_search_index" ON "memories" USING gin ("search");--> statement-breakpoint
CREATE INDEX "memories_person_newest_index" ON "memories" USING btree ("person_id","id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "memories_channel_newest_index" ON "memories" USING btree ("channel_key","id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "person_identities_person_index" ON "person_identities" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "messages_conversation_newest_index" ON "messages" USING btree ("conversation_key","id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "messages_task_index" ON "messages" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "messages_search_index" ON "messages" USING gin (to_tsvector('english', "content"));--> statement-breakpoint
CREATE INDEX "tasks_conversation_newest_index" ON "tasks" USING btree ("conversation_key","created_at" DESC NULLS FIRST,"sequence" DESC NULLS FIRST);