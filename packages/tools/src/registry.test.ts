import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ToolRegistry } from './registry';
import { defineTool } from './tool';

const echo = defineTool({
  name: 'echo',
  description: 'Say the text back.',
  input: z.object({ text: z.string().describe('what to say') }),
  risk: 'read',
  summarize: ({ text }) => `echo ${text}`,
  run: async ({ text }) => ({ text }),
});

describe('the tool registry', () => {
  it('describes each tool to the model once: the JSON schema is made on first use and shared after', () => {
    const registry = new ToolRegistry([echo]);
    const [first] = registry.specs();
    expect(first).toMatchObject({
      name: 'echo',
      description: 'Say the text back.',
      parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    });
    expect(first).not.toHaveProperty('parameters.$schema');
    expect(registry.specs()[0]).toBe(first);
    expect(registry.specs(new Set(['echo']))[0]).toBe(first);
    expect(registry.specs(new Set(['other']))).toEqual([]);
  });
});
