CREATE TABLE "tool_pins" (
	"tool_name" text PRIMARY KEY NOT NULL,
	"definition_hash" text NOT NULL,
	"definition" jsonb NOT NULL,
	"pinned_at" timestamp with time zone DEFAULT now() NOT NULL
);
