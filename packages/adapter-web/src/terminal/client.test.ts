import { type FakeBox, startFakeBox } from '@switchboard/testkit/fake-box';
import { afterEach, describe, expect, it } from 'vitest';
import { matchChoice } from './approval';
import { BoxRequestError, createBoxClient } from './client';

const TOKEN = 'a-token-of-at-least-16-characters';
let box: FakeBox | undefined;

afterEach(async () => {
  await box?.close();
  box = undefined;
});

describe('the terminal chat client', () => {
  it('sends JSON with the bearer token and reads the reply parts', async () => {
    box = await startFakeBox({ apiToken: TOKEN });
    const client = createBoxClient({ url: box.url, apiToken: TOKEN });
    const parts = [];
    for await (const part of await client.send('default', 'hi', AbortSignal.timeout(10_000)))
      parts.push(part);
    expect(parts).toEqual([{ type: 'reply-end', text: 'You said: hi', meta: {} }]);
    expect(box.messages[0]?.headers['content-type']).toBe('application/json');
    expect(box.messages[0]?.body).toEqual({ conversation: 'default', text: 'hi' });
  });

  it("throws the box's own sentence when it refuses", async () => {
    box = await startFakeBox({ apiToken: TOKEN });
    const client = createBoxClient({ url: box.url, apiToken: 'the-wrong-token-entirely' });
    const error = await client.send('default', 'hi', AbortSignal.timeout(10_000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BoxRequestError);
    expect(error).toMatchObject({ code: 'unauthorized', status: 401, message: 'Send the API token.' });
  });

  it('says the box cannot be reached when nothing listens', async () => {
    box = await startFakeBox();
    const url = box.url;
    await box.close();
    const client = createBoxClient({ url, apiToken: undefined });
    const error = await client.send('default', 'hi', AbortSignal.timeout(10_000)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'box_unreachable' });
    expect((error as Error).message).toContain('Is it still running?');
  });

  it('sends an approval choice, and tells a box without approvals apart', async () => {
    box = await startFakeBox();
    const client = createBoxClient({ url: box.url, apiToken: undefined });
    expect(await client.decide('ap/1', 'deny', AbortSignal.timeout(10_000))).toEqual({ kind: 'decided' });
    expect(box.approvals[0]).toMatchObject({ path: '/api/approvals/ap%2F1', body: { choice: 'deny' } });
    await box.close();
    box = await startFakeBox({ approvals: 'missing' });
    const older = createBoxClient({ url: box.url, apiToken: undefined });
    expect(await older.decide('ap1', 'deny', AbortSignal.timeout(10_000))).toEqual({ kind: 'unavailable' });
  });
});

describe('picking an approval choice by typing', () => {
  const choices = ['approve', 'deny', 'always approve'];
  it('takes a number, a name, or the start of exactly one name', () => {
    expect(matchChoice('2', choices)).toBe('deny');
    expect(matchChoice(' Deny ', choices)).toBe('deny');
    expect(matchChoice('al', choices)).toBe('always approve');
    expect(matchChoice('a', choices)).toBeUndefined();
    expect(matchChoice('4', choices)).toBeUndefined();
    expect(matchChoice('', choices)).toBeUndefined();
  });
});
