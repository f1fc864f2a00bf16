import { type ChatAdapter, createLogger, PlatformError, type ReplyAddress } from '@switchboard/core';
import { type FakeSlack, slackTs, startFakeSlack } from '@switchboard/testkit/fake-slack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from './adapter';
import { encodeAddress, type SlackAddress } from './address';
import { approvalButtons } from './blocks';
import { TokenBucket, WorkspaceLimiter } from './rate-limit';

const silent = createLogger({ level: 'silent' });
let counter = 0;
const address = (overrides: Partial<SlackAddress> = {}): ReplyAddress => {
  counter += 1;
  return encodeAddress({
    team: 'T0FAKE',
    channel: 'C0GENERAL',
    thread: slackTs(),
    user: 'U0ALICE',
    request: `slack:T0FAKE:req-${counter}`,
    ...overrides,
  });
};

describe('Slack egress', () => {
  let fake: FakeSlack;
  let adapter: ChatAdapter;
  const controller = new AbortController();

  beforeAll(async () => {
    fake = await startFakeSlack();
    adapter = createSlackAdapter({
      botToken: fake.botToken,
      signingSecret: fake.signingSecret,
      apiUrl: fake.apiUrl,
      logger: silent,
    });
    await adapter.start(async () => ({ status: 'accepted' }), controller.signal);
  });
  afterAll(async () => {
    controller.abort();
    await adapter?.stop();
    await fake?.close();
  });

  it('posts in the thread as mrkdwn and edits in place', async () => {
    const to = address();
    const sent = await adapter.post(to, { text: 'Working on **it**…', final: false });
    const shown = fake.message('C0GENERAL', sent.id);
    expect(shown).toMatchObject({ threadTs: to.data['thread'], text: 'Working on *it*…' });
    await adapter.edit(sent, { text: 'Done: see [the report](https://r.test) <!channel>', final: true });
    expect(fake.message('C0GENERAL', sent.id)?.text).toBe(
      'Done: see <https://r.test|the report> &lt;!channel&gt;',
    );
    expect(fake.message('C0GENERAL', sent.id)?.edits).toBe(1);
  });

  it('threads a slash command’s answer under one anchor message, however many posts it takes', async () => {
    const to = encodeAddress({
      team: 'T0FAKE',
      channel: 'C0ANCHOR',
      user: 'U0ALICE',
      request: 'slack:T0FAKE:anchored',
      anchor: '*alice* asked: hi',
    });
    const first = await adapter.post(to, { text: 'part one', final: true });
    const second = await adapter.post(to, { text: 'part two', final: true });
    const roots = fake.messages.filter((m) => m.channel === 'C0ANCHOR' && m.threadTs === undefined);
    expect(roots).toHaveLength(1);
    expect(roots[0]?.text).toBe('*alice* asked: hi');
    const thread = fake.thread('C0ANCHOR', roots[0]?.ts ?? '');
    expect(thread.map((m) => m.ts)).toEqual([first.id, second.id]);
  });

  it('tells the asker alone, once, when it cannot post where the slash command was typed', async () => {
    fake.failNext({ method: 'chat.postMessage', channel: 'C0PRIVATE', error: 'not_in_channel', times: 2 });
    const to = encodeAddress({
      team: 'T0FAKE',
      channel: 'C0PRIVATE',
      user: 'U0ALICE',
      request: 'slack:T0FAKE:private',
      anchor: '*alice* asked: hi',
      respond: `${fake.url}/response/private`,
    });
    await expect(adapter.post(to, { text: 'answer', final: true })).rejects.toMatchObject({
      code: 'slack_not_in_channel',
      retryable: false,
    });
    await expect(adapter.post(to, { text: 'answer', final: true })).rejects.toMatchObject({
      code: 'slack_not_in_channel',
    });
    await expect.poll(() => fake.responses.filter((response) => response.id === 'private')).toHaveLength(1);
    expect(fake.responses.find((response) => response.id === 'private')?.body).toEqual({
      response_type: 'ephemeral',
      text: "I can't post in this conversation. Invite me with `/invite <@U0BOT>`, or ask me in a direct message.",
    });
  });

  it('never sends Slack more than 40,000 characters: a final text that grows when escaped continues in the thread', async () => {
    const to = address();
    const text = '<&>'.repeat(13_000);
    const sent = await adapter.post(to, { text, final: true });
    const posted = fake.thread('C0GENERAL', String(to.data['thread']));
    expect(posted.length).toBeGreaterThan(1);
    expect(posted.every((message) => message.text.length <= 40_000)).toBe(true);
    expect(posted.map((message) => message.text).join('')).toBe('&lt;&amp;&gt;'.repeat(13_000));
    expect(sent.id).toBe(posted.at(-1)?.ts);
  });

  it('puts buttons in Block Kit and updates the button message in place with the decision', async () => {
    const to = address();
    const buttons = approvalButtons('ap-9', ['approve', 'deny']);
    const sent = await adapter.post(to, { text: 'Run `make deploy`?', buttons, final: true });
    const message = fake.message('C0GENERAL', sent.id);
    expect(message?.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'Run `make deploy`?' } },
      {
        type: 'actions',
        block_id: 'switchboard_actions',
        elements: [
          {
            type: 'button',
            action_id: 'approval#0',
            value: 'ap-9:approve',
            text: { type: 'plain_text', text: 'Approve', emoji: true },
            style: 'primary',
          },
          {
            type: 'button',
            action_id: 'approval#1',
            value: 'ap-9:deny',
            text: { type: 'plain_text', text: 'Deny', emoji: true },
            style: 'danger',
          },
        ],
      },
    ]);
    const press = address({
      thread: String(to.data['thread']),
      replace: { ts: sent.id, text: message?.text ?? '' },
    });
    const decided = await adapter.post(press, { text: 'approve by alice', final: true });
    expect(decided.id).toBe(sent.id);
    expect(fake.message('C0GENERAL', sent.id)).toMatchObject({
      text: 'Run `make deploy`?\n\napprove by alice',
      blocks: undefined,
    });
    expect(fake.thread('C0GENERAL', String(to.data['thread']))).toHaveLength(1);
  });

  it('maps a 429 to a PlatformError with retryAfterMs at once, and other channels go on meanwhile', async () => {
    const slow = address({ channel: 'C0SLOW' });
    const other = address({ channel: 'C0OTHER' });
    const slowSent = await adapter.post(slow, { text: 'a', final: false });
    const otherSent = await adapter.post(other, { text: 'a', final: false });
    fake.rateLimit({ method: 'chat.update', channel: 'C0SLOW', retryAfterSeconds: 30 });
    const started = performance.now();
    const [limited, fine] = await Promise.allSettled([
      adapter.edit(slowSent, { text: 'b', final: false }),
      adapter.edit(otherSent, { text: 'b', final: false }),
    ]);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(fine.status).toBe('fulfilled');
    expect(limited.status).toBe('rejected');
    const error = (limited as PromiseRejectedResult).reason;
    expect(PlatformError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'rate_limited',
      method: 'chat.update',
      retryAfterMs: 30_000,
      retryable: true,
    });
    const after = await adapter.post(other, { text: 'still flowing', final: true });
    expect(fake.message('C0OTHER', after.id)?.text).toBe('still flowing');
  });

  it('reports Slack errors as sentences without secrets', async () => {
    fake.failNext({ method: 'chat.postMessage', error: 'not_in_channel' });
    const error = await adapter.post(address(), { text: 'x', final: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'slack_not_in_channel',
      retryable: false,
      message: expect.stringContaining('/invite'),
    });
    fake.failNext({ method: 'chat.update', error: 'invalid_auth' });
    const sent = await adapter.post(address(), { text: 'x', final: false });
    const auth = await adapter.edit(sent, { text: 'y', final: true }).catch((e: unknown) => e);
    expect(auth).toMatchObject({ code: 'slack_auth', message: expect.stringContaining('SLACK_BOT_TOKEN') });
    expect(String((auth as Error).message)).not.toContain(fake.botToken);
  });
});

describe('TokenBucket', () => {
  it('lets a burst through, then spaces calls at the rate, first come first served', async () => {
    let now = 0;
    const bucket = new TokenBucket({ perMinute: 60_000, burst: 2 }, () => now);
    const order: number[] = [];
    await bucket.take();
    await bucket.take();
    const waiting = [1, 2, 3].map((n) => bucket.take().then(() => order.push(n)));
    expect(bucket.waiting).toBe(3);
    now = 2;
    await expect.poll(() => order).toEqual([1, 2]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual([1, 2]);
    now = 3;
    await Promise.all(waiting);
    expect(order).toEqual([1, 2, 3]);
  });

  it('gives up waiting when the signal aborts', async () => {
    const bucket = new TokenBucket({ perMinute: 1, burst: 1 });
    await bucket.take();
    const controller = new AbortController();
    const pending = bucket.take(controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    expect(bucket.waiting).toBe(0);
  });
});

describe('WorkspaceLimiter', () => {
  it('shares one budget per workspace and method across conversations, and leaves other workspaces alone', async () => {
    const limiter = new WorkspaceLimiter({ 'chat.update': { perMinute: 60, burst: 2 } }, () => 0);
    let done = 0;
    const take = (team: string, method = 'chat.update') => limiter.take(team, method).then(() => done++);
    await Promise.all([take('T1'), take('T1')]);
    const third = take('T1').catch((error: unknown) => error);
    await Promise.all([take('T2'), take('T2'), take('T1', 'chat.postMessage')]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toBe(5);
    limiter.close(new Error('stopped'));
    expect(await third).toEqual(new Error('stopped'));
  });
});
