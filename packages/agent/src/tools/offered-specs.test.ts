import { IN_MEMORY, openStore } from '@switchboard/memory';
import { defineTool, ToolRegistry } from '@switchboard/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { offeredSpecs } from './offered-specs';

const lookUp = defineTool({
  name: 'look_up',
  description: 'Look a word up.',
  input: z.object({ word: z.string() }),
  risk: 'read',
  summarize: ({ word }) => `look up ${word}`,
  run: async ({ word }) => ({ text: word }),
});

describe('the tools offered to the model', () => {
  it('reuse each built-in tool’s spec: no JSON Schema is made again for every request', async () => {
    const store = await openStore({ dataDir: IN_MEMORY });
    try {
      const registry = new ToolRegistry([lookUp]);
      const [first] = await offeredSpecs(registry, store);
      expect(first).toMatchObject({ name: 'look_up', parameters: { required: ['word'] } });
      const [second] = await offeredSpecs(registry, store);
      expect(second).toBe(first);
    } finally {
      await store.close();
    }
  });
});
