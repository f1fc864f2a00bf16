import type { ModelCall } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { completeUsage, estimatePromptTokens } from './usage-estimate';

const call: ModelCall = {
  messages: [
    { role: 'system', content: 'You are a test.' },
    { role: 'user', content: 'x'.repeat(100_000) },
  ],
};

describe('usage estimates', () => {
  it('estimates a prompt at about four characters per token, plus the template', () => {
    expect(estimatePromptTokens(call)).toBe(4 + 4 + 25_000 + 4);
  });

  it('keeps what the provider reported', () => {
    expect(completeUsage({ inputTokens: 7, outputTokens: 3 }, call, { text: 'abc', toolCalls: [] })).toEqual({
      inputTokens: 7,
      outputTokens: 3,
    });
  });

  it('estimates input tokens a provider left at 0, and output tokens of an answer with text', () => {
    expect(
      completeUsage({ inputTokens: 0, outputTokens: 0 }, call, { text: 'twelve chars', toolCalls: [] }),
    ).toEqual({ inputTokens: 25_012, outputTokens: 3 });
  });

  it('counts tool-call arguments as output, and no output for an empty answer', () => {
    const toolCalls = [{ id: 'c1', name: 'shell', arguments: { command: 'ls -la' } }];
    expect(completeUsage({ inputTokens: 5, outputTokens: 0 }, call, { text: '', toolCalls })).toEqual({
      inputTokens: 5,
      outputTokens: 5,
    });
    expect(completeUsage({ inputTokens: 5, outputTokens: 0 }, call, { text: '', toolCalls: [] })).toEqual({
      inputTokens: 5,
      outputTokens: 0,
    });
  });
});
