import { afterEach, describe, expect, it } from 'vitest';
import type { FakeOpenAI } from './behaviours';
import { findMarker, isMarker, markedAnswer, markedProgress } from './marked';
import { startFakeOpenAI } from './server';

async function streamedContent(response: Response): Promise<{ text: string; arrivals: number[] }> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const arrivals: number[] = [];
  let buffered = '';
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    const blocks = buffered.split('\n\n');
    buffered = blocks.pop() ?? '';
    for (const block of blocks) {
      const data = block.replace(/^data: /, '');
      if (data === '[DONE]') continue;
      const content = (JSON.parse(data) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta
        .content;
      if (content) {
        text += content;
        arrivals.push(performance.now());
      }
    }
  }
  return { text, arrivals };
}

describe('marked answers', () => {
  it('are a pure function of the marker, with both markers and the configured length and pace', () => {
    const answer = markedAnswer('req-k3f9-tg12', {
      words: { min: 10, max: 12 },
      delayMs: { min: 30, max: 30 },
    });
    expect(
      markedAnswer('req-k3f9-tg12', { words: { min: 10, max: 12 }, delayMs: { min: 30, max: 30 } }),
    ).toEqual(answer);
    expect(answer.text.startsWith('req-k3f9-tg12 begin. ')).toBe(true);
    expect(answer.text.endsWith(' req-k3f9-tg12 end.')).toBe(true);
    const words = answer.text.split(' ').length - 4;
    expect(words).toBeGreaterThanOrEqual(10);
    expect(words).toBeLessThanOrEqual(12);
    expect(answer.delayMs).toBe(30);
    expect(answer.pieces).toBe(Math.ceil(answer.text.length / 4));
    expect(answer.durationMs).toBe((answer.pieces - 1) * 30);
    expect(markedAnswer('req-k3f9-tg13').text).not.toBe(markedAnswer('req-k3f9-tg12').text);
  });

  it('refuses a string that is not a marker, and finds markers in text', () => {
    expect(() => markedAnswer('hello')).toThrow(/not a request marker/);
    expect(isMarker('req-a1-b2')).toBe(true);
    expect(isMarker('req-a1 b2')).toBe(false);
    expect(isMarker('Req-a1')).toBe(false);
    expect(findMarker('<@U0BOT> req-x1-s3 please answer')).toBe('req-x1-s3');
    expect(findMarker('no marker here')).toBeUndefined();
  });

  it('tell a whole answer from a partial one and from an unrelated text', () => {
    const answer = markedAnswer('req-p1');
    const cut = answer.text.slice(0, Math.floor(answer.text.length / 2));
    expect(markedProgress(answer.text, answer)).toBe('whole');
    expect(markedProgress(answer.text.replaceAll(' ', '\n'), answer)).toBe('whole');
    expect(markedProgress(cut, answer)).toBe('partial');
    expect(markedProgress(`${answer.text.slice(0, 10)}…`, answer)).toBe('partial');
    expect(markedProgress(answer.text.replace(answer.end, 'req-p1 en'), answer)).toBe('partial');
    expect(markedProgress('Thinking…', answer)).toBe('absent');
    expect(markedProgress(markedAnswer('req-p2').text, answer)).toBe('absent');
  });
});

describe('the fake OpenAI server in marked mode', () => {
  let fake: FakeOpenAI | undefined;
  afterEach(async () => {
    await fake?.close();
  });
  const post = (body: object) =>
    fetch(`${fake?.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('streams the marked answer of the last user message, one piece every delayMs', async () => {
    const behaviour = { type: 'marked', words: { min: 8, max: 8 }, delayMs: { min: 25, max: 25 } } as const;
    fake = await startFakeOpenAI({ defaultBehaviour: behaviour });
    const expected = markedAnswer('req-s2', behaviour);
    const response = await post({
      model: 'm',
      stream: true,
      messages: [
        { role: 'user', content: 'req-s1 an older question' },
        { role: 'assistant', content: markedAnswer('req-s1', behaviour).text },
        { role: 'user', content: 'req-s2 please answer' },
      ],
    });
    const { text, arrivals } = await streamedContent(response);
    expect(text).toBe(expected.text);
    expect(arrivals).toHaveLength(expected.pieces);
    // Paced by the server's timers, which never fire early: half the planned span is a bound that cannot
    // flake, however late the first piece reaches the client.
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(expected.durationMs / 2);
  });

  it('echoes a request without a marker, and answers a non-streamed one whole', async () => {
    fake = await startFakeOpenAI({ defaultBehaviour: { type: 'marked' } });
    const echo = (await (await post({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })).json()) as {
      choices: { message: { content: string } }[];
    };
    expect(echo.choices[0]?.message.content).toBe('You said: hi');
    const whole = (await (
      await post({ model: 'm', messages: [{ role: 'user', content: 'req-w1 go' }] })
    ).json()) as { choices: { message: { content: string } }[] };
    expect(whole.choices[0]?.message.content).toBe(markedAnswer('req-w1').text);
  });
});
