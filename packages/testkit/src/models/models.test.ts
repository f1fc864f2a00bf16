import { existsSync } from 'node:fs';
import { findValue, type GgufValue, readGgufHeader } from '@switchboard/gguf';
import { describe, expect, it, vi } from 'vitest';
import { reportMissingStories, storiesModelPath, testModel } from './index';
import { llamaCppSource } from './llama-source';

const tokens = (value: GgufValue | undefined): readonly string[] =>
  value?.type === 'array' && value.itemType === 'string' ? value.values : [];

describe('testModel', () => {
  it('writes the chat model once: llama, real SentencePiece vocabulary plus ChatML tokens, ChatML template', async () => {
    const path = await testModel('chat');
    expect(path).toMatch(/node_modules\/\.cache\/switchboard-models\/chat-[0-9a-f]{16}\.gguf$/);
    expect(await testModel('chat')).toBe(path);
    const { metadata } = await readGgufHeader(path);
    expect(findValue(metadata, 'general.architecture')).toEqual({ type: 'string', value: 'llama' });
    expect(findValue(metadata, 'tokenizer.chat_template')).toMatchObject({
      value: expect.stringContaining('<|im_start|>'),
    });
    const list = tokens(findValue(metadata, 'tokenizer.ggml.tokens'));
    if (await llamaCppSource()) {
      expect(list).toHaveLength(32_002);
      expect(list.slice(32_000)).toEqual(['<|im_start|>', '<|im_end|>']);
      expect(findValue(metadata, 'tokenizer.ggml.eos_token_id')).toEqual({ type: 'u32', value: 32_001 });
    }
  });

  it('writes the tools model: qwen2, Qwen2.5 vocabulary with <tool_call>, the tools template', async () => {
    const path = await testModel('tools');
    const { metadata } = await readGgufHeader(path);
    expect(findValue(metadata, 'general.architecture')).toEqual({ type: 'string', value: 'qwen2' });
    expect(findValue(metadata, 'tokenizer.chat_template')).toMatchObject({
      value: expect.stringContaining('<tools>'),
    });
    const list = tokens(findValue(metadata, 'tokenizer.ggml.tokens'));
    if (await llamaCppSource()) {
      expect(list).toHaveLength(151_936);
      expect(list[151_657]).toBe('<tool_call>');
      expect(list[151_645]).toBe('<|im_end|>');
      expect(findValue(metadata, 'tokenizer.ggml.eos_token_id')).toEqual({ type: 'u32', value: 151_645 });
    }
  });

  it('says in the test output, not only as a skip, why the stories260K smoke test does not run', () => {
    const warned: unknown[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
      warned.push(...args);
    });
    try {
      expect(reportMissingStories('the smoke test', '/nowhere/stories260K.gguf')).toBe(true);
      expect(warned.join(' ')).toContain(
        'SKIPPED the smoke test: the stories260K fixture is not at /nowhere/stories260K.gguf',
      );
      warned.length = 0;
      const present = storiesModelPath();
      if (present) expect(reportMissingStories('the smoke test', present)).toBe(false);
      expect(warned).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });

  it('finds the stories260K fixture only where it exists', () => {
    const path = storiesModelPath();
    expect(path === undefined || existsSync(path)).toBe(true);
    if (path) expect(path).toMatch(/shared\/fixtures\/stories260K\.gguf$/);
  });
});
