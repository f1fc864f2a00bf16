DROP INDEX "memories_search_index";--> statement-breakpoint
CREATE INDEX "memories_search_index" ON "memories" USING gin ("search") WITH (fastupdate=false);