import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toolCallHash } from './arguments-hash';
import { decideToolCall } from './policy';
import { ToolRegistry } from './registry';
import { defineTool } from './tool';

const echo = defineTool({
  name: 'echo',
  description: 'Say it back.',
  input: z.object({ text: z.string().min(1) }),
  risk: 'read',
  summarize: ({ text }) => `echo ${text}`,
  run: async ({ text }) => ({ text }),
});

describe('the tool policy', () => {
  const tool = (risk: 'read' | 'write' | 'dangerous') => ({ name: `t_${risk}`, risk });

  it('lets the owner read, and asks before writes and dangerous tools', () => {
    expect(decideToolCall({ tool: tool('read'), role: 'owner' }).kind).toBe('allow');
    expect(decideToolCall({ tool: tool('write'), role: 'owner' }).kind).toBe('ask');
    expect(decideToolCall({ tool: tool('dangerous'), role: 'owner' }).kind).toBe('ask');
  });
  it('never lets a member reach a dangerous tool', () => {
    expect(decideToolCall({ tool: tool('dangerous'), role: 'member' }).kind).toBe('deny');
    expect(decideToolCall({ tool: tool('write'), role: 'member' }).kind).toBe('ask');
  });
  it('applies conversation settings: disabled tools are denied, granted write tools run, granted dangerous ones still ask', () => {
    const disabled = new Set(['t_read']);
    expect(decideToolCall({ tool: tool('read'), role: 'owner', disabled }).kind).toBe('deny');
    const granted = new Set(['t_write', 't_dangerous']);
    expect(decideToolCall({ tool: tool('write'), role: 'owner', granted }).kind).toBe('allow');
    expect(decideToolCall({ tool: tool('dangerous'), role: 'owner', granted }).kind).toBe('ask');
  });
});

describe('the tool registry', () => {
  const registry = new ToolRegistry([echo]);

  it('describes each tool to the model with the JSON schema of its input', () => {
    expect(registry.specs()).toMatchObject([
      {
        name: 'echo',
        description: 'Say it back.',
        parameters: {
          type: 'object',
          properties: { text: { type: 'string', minLength: 1 } },
          required: ['text'],
        },
      },
    ]);
  });
  it('parses calls, and says what is wrong with an unknown tool or bad arguments', () => {
    expect(registry.parse({ id: '1', name: 'echo', arguments: { text: 'hi' } })).toMatchObject({
      ok: true,
      input: { text: 'hi' },
    });
    expect(registry.parse({ id: '2', name: 'nope', arguments: {} })).toMatchObject({
      ok: false,
      code: 'unknown_tool',
      message: 'There is no tool called nope. Tools: echo.',
    });
    expect(registry.parse({ id: '3', name: 'echo', arguments: { text: 5 } })).toMatchObject({
      ok: false,
      code: 'invalid_input',
    });
  });
  it('refuses a name twice', () => {
    expect(() => registry.register(echo)).toThrow(/twice/);
  });
});

describe('toolCallHash', () => {
  it('is the same for the same arguments in any key order, and differs for any change', () => {
    expect(toolCallHash('shell', { a: 1, b: { c: [1, 2] } })).toBe(
      toolCallHash('shell', { b: { c: [1, 2] }, a: 1 }),
    );
    expect(toolCallHash('shell', { command: 'ls' })).not.toBe(toolCallHash('shell', { command: 'ls ' }));
    expect(toolCallHash('shell', { command: 'ls' })).not.toBe(toolCallHash('write_file', { command: 'ls' }));
  });
});
