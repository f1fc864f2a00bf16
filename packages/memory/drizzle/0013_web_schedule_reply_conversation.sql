-- Web schedules made before the web reply address named its conversation (ADR 0051) get it from the
-- schedule's own conversation, so their runs are pushed to the pages and terminal chats listening there.
UPDATE "schedules"
SET "reply_address" = jsonb_set("reply_address"::jsonb, '{data,conversation}', to_jsonb("conversation"->>'channel'))::json
WHERE "reply_address"->>'platform' = 'web'
  AND "reply_address"->'data'->'conversation' IS NULL
  AND "conversation"->>'channel' IS NOT NULL;
