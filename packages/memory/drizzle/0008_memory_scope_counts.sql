CREATE TABLE "memory_scope_counts" (
	"person_id" text NOT NULL,
	"channel_key" text DEFAULT '' NOT NULL,
	"embedding_model" text NOT NULL,
	"count" bigint NOT NULL,
	"max_id" bigint NOT NULL,
	CONSTRAINT "memory_scope_counts_person_id_channel_key_embedding_model_pk" PRIMARY KEY("person_id","channel_key","embedding_model")
);
--> statement-breakpoint
ALTER TABLE "memory_scope_counts" ADD CONSTRAINT "memory_scope_counts_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "memory_scope_counts_channel_index" ON "memory_scope_counts" USING btree ("channel_key","embedding_model");