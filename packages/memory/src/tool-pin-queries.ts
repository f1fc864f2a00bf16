import { eq } from 'drizzle-orm';
import type { MemoryDatabase } from './drizzle-store';
import type { NewToolPin, ToolPin } from './records';
import { toolPins } from './schema';
import type { ToolPinStore } from './store';

/** {@link ToolPinStore} over drizzle: one row per tool, replaced on re-approval. */
export class ToolPinQueries implements ToolPinStore {
  constructor(private readonly db: MemoryDatabase) {}

  async toolPin(toolName: string): Promise<ToolPin | undefined> {
    const [row] = await this.db.select().from(toolPins).where(eq(toolPins.toolName, toolName));
    return row;
  }

  async pinTool(pin: NewToolPin): Promise<void> {
    const pinnedAt = new Date();
    await this.db
      .insert(toolPins)
      .values({ ...pin, pinnedAt })
      .onConflictDoUpdate({
        target: toolPins.toolName,
        set: { definitionHash: pin.definitionHash, definition: pin.definition, pinnedAt },
      });
  }
}
