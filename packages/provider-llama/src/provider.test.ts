import { createLogger, type ModelPart, type ToolSpec } from '@switchboard/core';
import { collectParts, finalError, textDeltas } from '@switchboard/testkit';
import { testModel } from '@switchboard/testkit/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MAX_OUTPUT_TOKENS, type LlamaLanguageModel } from './model';
import { createLlamaProvider, type LlamaProvider } from './provider';
import { ask, collectTimed, processExists } from './testing';

const weather: ToolSpec = {
  name: 'get_weather',
  description: 'The current weather in a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string', maxLength: 12 }, unit: { enum: ['C', 'F'] } },
    required: ['city', 'unit'],
  },
};

const signal = () => new AbortController().signal;
const finishOf = (parts: readonly ModelPart[]) => {
  const last = parts.at(-1);
  if (last?.type !== 'finish') throw new Error(`expected a finish part last, got ${JSON.stringify(last)}`);
  return last;
};

describe('llama provider: chat model in a child process', () => {
  const logLines: string[] = [];
  const secret = 'my-secret-question-text';
  let provider: LlamaProvider;
  let model: LlamaLanguageModel;

  beforeAll(async () => {
    provider = createLlamaProvider({
      models: [{ path: await testModel('chat') }],
      threads: 1,
      parallel: 1,
      contextSize: 1024,
      gpu: false,
      streamIntervalMs: 0,
      logger: createLogger({ level: 'info', destination: { write: (line) => logLines.push(line) } }),
    });
    model = provider.models[0] as LlamaLanguageModel;
  });
  afterAll(async () => {
    await provider.close();
  });

  it('is local, not a demo, and loads on check()', async () => {
    expect(model).toMatchObject({ locality: 'local', demo: false });
    expect(model.ref).toMatch(/^llama:chat-/);
    expect(model.health()).toEqual({ available: true, detail: 'not loaded yet; loads on the first request' });
    expect(model.pid).toBeUndefined();
    const check = await provider.check(signal());
    expect(check).toEqual({ ok: true, detail: `Loaded ${model.ref} (1 threads).` });
    expect(model.health()).toEqual({ available: true, detail: 'ready' });
    expect(model.pid).toBeGreaterThan(0);
    expect(model.pid).not.toBe(process.pid);
  });

  it('streams text deltas as tokens arrive, then one finish with this call’s token counts', async () => {
    const parts = await collectParts(model.stream(ask(`Tell me a story. ${secret}`, 24), signal()));
    const deltas = textDeltas(parts);
    expect(deltas.length).toBeGreaterThanOrEqual(3);
    expect(deltas.every((delta) => delta !== '')).toBe(true);
    expect(parts.filter((part) => part.type === 'finish' || part.type === 'error')).toHaveLength(1);
    const finish = finishOf(parts);
    expect(finish.reason).toBe('length');
    // Every output token was generated for this call; the prompt is a few dozen tokens with the template.
    expect(finish.usage.outputTokens).toBe(24);
    expect(finish.usage.inputTokens).toBeGreaterThan(5);
    expect(finish.usage.inputTokens).toBeLessThan(200);

    // The same greedy question again answers the same text (nothing lost or doubled between the processes),
    // and counts the same prompt although llama.cpp reuses it from the cache this time.
    const again = await collectParts(model.stream(ask(`Tell me a story. ${secret}`, 24), signal()));
    expect(textDeltas(again).join('')).toBe(deltas.join(''));
    expect(finishOf(again).usage).toEqual(finish.usage);
  });

  it('stops promptly when aborted mid-answer, and the next request answers', async () => {
    const controller = new AbortController();
    let deltas = 0;
    let abortedAt = 0;
    const timed = await collectTimed(model.stream(ask('Go on forever.', 900), controller.signal), (part) => {
      if (part.type === 'text-delta') deltas += 1;
      if (deltas === 3 && abortedAt === 0) {
        abortedAt = Date.now();
        controller.abort();
      }
    });
    const finish = finishOf(timed.map((entry) => entry.part));
    expect(finish.reason).toBe('abort');
    expect(finish.usage.outputTokens).toBeGreaterThanOrEqual(3);
    expect(finish.usage.outputTokens).toBeLessThan(900);
    expect((timed.at(-1)?.at ?? 0) - abortedAt).toBeLessThan(5000);

    const next = await collectParts(model.stream(ask('Hello', 8), signal()));
    expect(finishOf(next).reason).toBe('length');
  });

  it('stops generating when the consumer stops reading early', async () => {
    for await (const part of model.stream(ask('Keep talking.', 900), signal())) {
      if (part.type === 'text-delta') break;
    }
    // The sequence is free again once the child confirms the abort: at most a short wait in line.
    const next = await collectParts(model.stream(ask('Hello', 8), signal()));
    const queued = next.filter((part) => part.type === 'queued');
    expect(queued).toEqual(queued.length === 0 ? [] : [{ type: 'queued', position: 1 }]);
    expect(finishOf(next).reason).toBe('length');
  });

  it('queues a second request while the only sequence is busy and sends its position', async () => {
    const first = collectParts(model.stream(ask('First question', 40), signal()));
    const second = collectParts(model.stream(ask('Second question', 8), signal()));
    const [firstParts, secondParts] = await Promise.all([first, second]);
    expect(firstParts.some((part) => part.type === 'queued')).toBe(false);
    expect(secondParts[0]).toEqual({ type: 'queued', position: 1 });
    expect(secondParts.filter((part) => part.type === 'queued')).toHaveLength(1);
    expect(textDeltas(secondParts).length).toBeGreaterThan(0);
    expect(finishOf(secondParts).reason).toBe('length');
  });

  it('moves the queue up when a waiting request is aborted', async () => {
    const leaving = new AbortController();
    const first = collectParts(model.stream(ask('First', 60), signal()));
    const second = collectParts(model.stream(ask('Second', 4), leaving.signal));
    const third = collectParts(model.stream(ask('Third', 4), signal()));
    leaving.abort();
    const [firstParts, secondParts, thirdParts] = await Promise.all([first, second, third]);
    expect(finishOf(firstParts).reason).toBe('length');
    expect(secondParts).toEqual([
      { type: 'queued', position: 1 },
      { type: 'finish', reason: 'abort', usage: { inputTokens: 0, outputTokens: 0 } },
    ]);
    expect(thirdParts.slice(0, 2)).toEqual([
      { type: 'queued', position: 2 },
      { type: 'queued', position: 1 },
    ]);
    expect(finishOf(thirdParts).reason).toBe('length');
  });

  it('finishes at once with abort for an already aborted signal', async () => {
    const parts = await collectParts(model.stream(ask('Never', 8), AbortSignal.abort()));
    expect(parts).toEqual([{ type: 'finish', reason: 'abort', usage: { inputTokens: 0, outputTokens: 0 } }]);
  });

  it('answers with JSON matching a response schema (a grammar), even with random weights', async () => {
    const schema = {
      type: 'object',
      properties: { score: { type: 'number' }, reason: { type: 'string', maxLength: 20 } },
      required: ['score', 'reason'],
    };
    const parts = await collectParts(
      model.stream(ask('Grade this.', 60, { responseSchema: schema }), signal()),
    );
    const data = JSON.parse(textDeltas(parts).join('')) as { score: unknown; reason: unknown };
    expect(typeof data.score).toBe('number');
    expect(typeof data.reason).toBe('string');
  });

  it('never logs the prompt at info level', () => {
    expect(logLines.some((line) => line.includes('"msg":"local model ready"'))).toBe(true);
    expect(logLines.join('\n')).not.toContain(secret);
  });

  it('ends its process on close(), and later requests get a clear error', async () => {
    const pid = model.pid;
    expect(pid).toBeDefined();
    await provider.close();
    expect(processExists(pid as number)).toBe(false);
    expect(model.health()).toEqual({ available: false, detail: 'closed' });
    const error = finalError(await collectParts(model.stream(ask('Hello', 4), signal())));
    expect(error).toMatchObject({ code: 'local_model_closed', retryable: true, provider: 'llama' });
  });
});

describe('llama provider: tool calls', () => {
  let forcing: LlamaProvider;
  let model: LlamaLanguageModel;
  let unforced: LlamaProvider;
  let plain: LlamaLanguageModel;

  beforeAll(async () => {
    const settings = { threads: 1, contextSize: 1024, gpu: false } as const;
    const models = [{ path: await testModel('tools') }];
    forcing = createLlamaProvider({ ...settings, models, parallel: 2, testing: { forceToolCall: true } });
    unforced = createLlamaProvider({ ...settings, models, parallel: 1 });
    model = forcing.models[0] as LlamaLanguageModel;
    plain = unforced.models[0] as LlamaLanguageModel;
    const checks = await Promise.all([forcing.check(signal()), unforced.check(signal())]);
    expect(checks.map((check) => check.ok)).toEqual([true, true]);
  });
  afterAll(async () => {
    await Promise.all([forcing.close(), unforced.close()]);
  });

  it('returns a forced tool call with schema-valid arguments and finishes with tool-calls', async () => {
    const parts = await collectParts(
      model.stream(ask('What is the weather in Paris?', 80, { tools: [weather] }), signal()),
    );
    const calls = parts.flatMap((part) => (part.type === 'tool-call' ? [part.call] : []));
    expect(calls.length).toBeGreaterThanOrEqual(1);
    for (const call of calls) {
      expect(call.id).toMatch(/^call_[0-9a-f]{24}$/);
      expect(call.name).toBe('get_weather');
      const args = call.arguments as { city: unknown; unit: unknown };
      expect(Object.keys(args).sort()).toEqual(['city', 'unit']);
      expect(typeof args.city).toBe('string');
      expect((args.city as string).length).toBeLessThanOrEqual(12);
      expect(['C', 'F']).toContain(args.unit);
    }
    expect(new Set(calls.map((call) => call.id)).size).toBe(calls.length);
    expect(finishOf(parts).reason).toBe('tool-calls');
    expect(parts.findIndex((part) => part.type === 'tool-call')).toBeGreaterThan(
      parts.findLastIndex((part) => part.type === 'text-delta'),
    );
  });

  it('accepts tool results in the history and answers after them', async () => {
    const parts = await collectParts(
      plain.stream(
        {
          messages: [
            { role: 'system', content: 'You answer about the weather.' },
            { role: 'user', content: 'What is the weather in Paris?' },
            {
              role: 'assistant',
              content: '',
              toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris', unit: 'C' } }],
            },
            { role: 'tool', toolCallId: 'call_1', content: '{"celsius":21,"sky":"clear"}' },
          ],
          tools: [weather],
          maxOutputTokens: 6,
          temperature: 0,
        },
        signal(),
      ),
    );
    const finish = finishOf(parts);
    expect(finish.usage.inputTokens).toBeGreaterThan(20);
    expect(finish.usage.outputTokens).toBeGreaterThan(0);
  });

  it('answers two requests at once with parallel 2, without queueing', async () => {
    const both = await Promise.all([
      collectParts(model.stream(ask('One', 6), signal())),
      collectParts(model.stream(ask('Two', 6), signal())),
    ]);
    for (const parts of both) {
      expect(parts.some((part) => part.type === 'queued')).toBe(false);
      expect(finishOf(parts).usage.outputTokens).toBeGreaterThan(0);
    }
  });
});

describe('llama provider: the demo model', () => {
  it('is labelled as a demo and keeps its noise short', async () => {
    const provider = createLlamaProvider({
      models: [{ path: await testModel('chat'), demo: true }],
      threads: 1,
      parallel: 1,
      contextSize: 512,
      gpu: false,
    });
    try {
      const model = provider.models[0] as LlamaLanguageModel;
      expect(model.demo).toBe(true);
      const parts = await collectParts(model.stream(ask('Talk for a long time.', 900), signal()));
      expect(finishOf(parts).usage.outputTokens).toBeLessThanOrEqual(DEMO_MAX_OUTPUT_TOKENS);
    } finally {
      await provider.close();
    }
  });
});

describe('llama provider: streaming in batches', () => {
  it('sends the first text at once and joins later chunks, losing and repeating nothing', async () => {
    const path = await testModel('chat');
    const start = (streamIntervalMs: number) =>
      createLlamaProvider({
        models: [{ path }],
        threads: 1,
        parallel: 1,
        contextSize: 512,
        gpu: false,
        streamIntervalMs,
      });
    const every = start(0);
    const batched = start(1000);
    try {
      const question = ask('Tell me a story about a fox.', 40);
      const one = textDeltas(
        await collectParts((every.models[0] as LlamaLanguageModel).stream(question, signal())),
      );
      const parts = await collectParts((batched.models[0] as LlamaLanguageModel).stream(question, signal()));
      const joined = textDeltas(parts);
      expect(one.length).toBeGreaterThan(5);
      // The first chunk at once, the rest at the finish (or once more if the answer took over a second).
      expect(joined.length).toBeGreaterThanOrEqual(2);
      expect(joined.length).toBeLessThanOrEqual(3);
      expect(joined[0]).toBe(one[0]);
      expect(joined.join('')).toBe(one.join(''));
      expect(finishOf(parts).usage.outputTokens).toBe(40);
    } finally {
      await Promise.all([every.close(), batched.close()]);
    }
  });

  it('rejects an interval that is not 0 to 1000 ms', () => {
    expect(() =>
      createLlamaProvider({
        models: [{ path: 'x.gguf' }],
        threads: 1,
        parallel: 1,
        contextSize: 512,
        gpu: false,
        streamIntervalMs: -1,
      }),
    ).toThrow(/streamIntervalMs/);
  });
});
