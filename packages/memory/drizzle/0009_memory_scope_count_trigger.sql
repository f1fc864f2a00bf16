-- Keeps memory_scope_counts (ADR 0046): per recall scope and embedding model, how many embedded memories and the newest id.
CREATE OR REPLACE FUNCTION memory_scope_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.embedding IS NOT NULL THEN
    UPDATE memory_scope_counts SET count = count - 1
      WHERE person_id = OLD.person_id AND channel_key = coalesce(OLD.channel_key, '')
        AND embedding_model = coalesce(OLD.embedding_model, '');
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.embedding IS NOT NULL THEN
    INSERT INTO memory_scope_counts AS scope (person_id, channel_key, embedding_model, count, max_id)
      VALUES (NEW.person_id, coalesce(NEW.channel_key, ''), coalesce(NEW.embedding_model, ''), 1, NEW.id)
      ON CONFLICT (person_id, channel_key, embedding_model)
      DO UPDATE SET count = scope.count + 1, max_id = greatest(scope.max_id, excluded.max_id);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER memories_scope_count AFTER INSERT OR DELETE OR UPDATE OF person_id, channel_key, embedding, embedding_model
  ON memories FOR EACH ROW EXECUTE FUNCTION memory_scope_count();
--> statement-breakpoint
INSERT INTO memory_scope_counts (person_id, channel_key, embedding_model, count, max_id)
  SELECT person_id, coalesce(channel_key, ''), coalesce(embedding_model, ''), count(*), max(id)
  FROM memories WHERE embedding IS NOT NULL GROUP BY 1, 2, 3;
