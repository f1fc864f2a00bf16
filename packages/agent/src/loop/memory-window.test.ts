import type { ChatMessage } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { memoryWindow } from './memory-window';

const turn = (role: 'user' | 'assistant', content: string): ChatMessage => ({ role, content });

describe('memoryWindow', () => {
  const turns = [
    turn('user', 'a'.repeat(40)),
    turn('assistant', 'b'.repeat(40)),
    turn('user', 'c'.repeat(40)),
    turn('assistant', 'd'.repeat(40)),
  ];

  it('keeps the newest turns that fit the budget, oldest first', () => {
    expect(memoryWindow(turns, 1000)).toEqual(turns);
    expect(memoryWindow(turns, 36).map((t) => t.content[0])).toEqual(['c', 'd']);
  });
  it('never starts with an assistant turn', () => {
    expect(memoryWindow(turns, 53).map((t) => t.content[0])).toEqual(['c', 'd']);
    expect(memoryWindow(turns, 18)).toEqual([]);
  });
  it('keeps nothing with a zero budget', () => {
    expect(memoryWindow(turns, 0)).toEqual([]);
  });
});

describe('memoryWindow with exact token counts', () => {
  it('charges each turn its counted tokens, not the estimate', () => {
    const turns = [turn('user', 'short'), turn('assistant', 'short'), turn('user', 'x')];
    // A tiny-vocabulary tokenizer may count far more tokens than characters ÷ 4.
    expect(memoryWindow(turns, 100, [50, 50, 10])).toEqual([turns[2]]);
    expect(memoryWindow(turns, 200, [50, 50, 10])).toEqual(turns);
  });
});
