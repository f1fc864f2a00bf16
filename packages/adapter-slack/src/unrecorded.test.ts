import { WebClient } from '@slack/web-api';
import { type ChatAdapter, createLogger, type SentMessage } from '@switchboard/core';
import { type FakeSlack, slackTs, startFakeSlack } from '@switchboard/testkit/fake-slack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from './adapter';
import { encodeAddress } from './address';

const silent = createLogger({ level: 'silent' });

describe('Slack: messages a crash left unrecorded', () => {
  let fake: FakeSlack;
  let adapter: ChatAdapter;
  /** What a process that died made on the platform: the Web API called directly. */
  let dead: WebClient;
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
    dead = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  });
  afterAll(async () => {
    controller.abort();
    await adapter?.stop();
    await fake?.close();
  });

  it('finds a stream and a post the outbox missed in the request’s thread, and nothing it knows', async () => {
    const since = new Date();
    const thread = slackTs();
    const to = encodeAddress({
      team: 'T0FAKE',
      channel: 'C0UNREC',
      thread,
      user: 'U0ALICE',
      request: 'slack:T0FAKE:unrecorded-1',
    });
    const known = await adapter.post(to, { text: 'first chunk', final: false });
    const stream = await dead.chat.startStream({
      channel: 'C0UNREC',
      thread_ts: thread,
      recipient_team_id: 'T0FAKE',
      recipient_user_id: 'U0ALICE',
    });
    const posted = await dead.chat.postMessage({ channel: 'C0UNREC', thread_ts: thread, text: 'second' });
    await dead.chat.postMessage({ channel: 'C0UNREC', thread_ts: slackTs(), text: 'another thread' });

    const found = (await adapter.unrecorded?.({ to, known: [known], others: [], since })) ?? [];

    expect(found.map((sent: SentMessage) => sent.id)).toEqual([stream.ts, posted.ts]);
    expect(found.every((sent) => sent.data?.['streamed'] === true && sent.data?.['thread'] === thread)).toBe(
      true,
    );
    const finished = found[0];
    if (finished === undefined) throw new Error('no stream found');
    await adapter.edit(finished, { text: 'the whole answer', final: true });
    expect(fake.message('C0UNREC', finished.id)).toMatchObject({
      stream: 'stopped',
      text: 'the whole answer',
    });
  });

  it('finds a slash command’s anchor by its text, then the stream under it', async () => {
    const since = new Date();
    const anchor = '<@U0BOB> asked: /ask what time is it';
    const to = encodeAddress({
      team: 'T0FAKE',
      channel: 'C0SLASH',
      user: 'U0BOB',
      request: 'slack:T0FAKE:unrecorded-2',
      anchor,
    });
    const parent = await dead.chat.postMessage({ channel: 'C0SLASH', text: anchor });
    const stream = await dead.chat.startStream({
      channel: 'C0SLASH',
      thread_ts: parent.ts ?? '',
      recipient_team_id: 'T0FAKE',
      recipient_user_id: 'U0BOB',
    });

    const found = (await adapter.unrecorded?.({ to, known: [], others: [], since })) ?? [];

    expect(found.map((sent) => [sent.id, sent.data?.['thread']])).toEqual([[stream.ts, parent.ts]]);
  });

  it('finds nothing when the thread holds only what the outbox knows', async () => {
    const since = new Date();
    const to = encodeAddress({
      team: 'T0FAKE',
      channel: 'C0KNOWN',
      thread: slackTs(),
      user: 'U0ALICE',
      request: 'slack:T0FAKE:unrecorded-3',
    });
    const known = await adapter.post(to, { text: 'all of it', final: true });
    expect(await adapter.unrecorded?.({ to, known: [known], others: [], since })).toEqual([]);
  });
});
