import type { ToolSpec } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { toChatHistory, toFunctions } from './history';

const weather: ToolSpec = {
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('toChatHistory', () => {
  it('maps system, user and assistant turns and opens a model turn to generate', () => {
    const history = toChatHistory([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'How are you?' },
    ]);
    expect(history).toEqual([
      { type: 'system', text: 'Be brief.' },
      { type: 'user', text: 'Hi' },
      { type: 'model', response: ['Hello!'] },
      { type: 'user', text: 'How are you?' },
      { type: 'model', response: [] },
    ]);
  });

  it('puts tool results into the calls that asked for them and continues that model turn', () => {
    const history = toChatHistory(
      [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: 'Let me look.',
          toolCalls: [
            { id: 'a', name: 'get_weather', arguments: { city: 'Paris' } },
            { id: 'b', name: 'get_weather', arguments: { city: 'Rome' } },
          ],
        },
        { role: 'tool', toolCallId: 'b', content: 'sunny' },
        { role: 'tool', toolCallId: 'a', content: '{"celsius":21}' },
      ],
      [weather],
    );
    expect(history).toEqual([
      { type: 'user', text: 'Weather in Paris and Rome?' },
      {
        type: 'model',
        response: [
          'Let me look.',
          {
            type: 'functionCall',
            name: 'get_weather',
            description: 'The weather in a city',
            params: { city: 'Paris' },
            result: { celsius: 21 },
            startsNewChunk: true,
          },
          {
            type: 'functionCall',
            name: 'get_weather',
            description: 'The weather in a city',
            params: { city: 'Rome' },
            result: 'sunny',
            startsNewChunk: false,
          },
        ],
      },
    ]);
  });

  it('keeps a tool result that answers no known call as a user message', () => {
    const history = toChatHistory([
      { role: 'user', content: 'Go' },
      { role: 'tool', toolCallId: 'lost', content: 'done' },
    ]);
    expect(history).toEqual([
      { type: 'user', text: 'Go' },
      { type: 'user', text: 'Result of tool call lost:\ndone' },
      { type: 'model', response: [] },
    ]);
  });
});

describe('toFunctions', () => {
  it('offers each tool with its description and schema, without a handler', () => {
    expect(toFunctions([weather])).toEqual({
      get_weather: { description: 'The weather in a city', params: weather.parameters },
    });
  });
});
