import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type FakeDiscord, startFakeDiscord } from './index';

const json = async (response: Response) => ({
  status: response.status,
  body: response.status === 204 ? undefined : await response.json(),
  headers: response.headers,
});

describe('fake Discord REST', () => {
  let fake: FakeDiscord | undefined;
  let offset = 0;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
    offset = 0;
  });

  /** Log the bot in over the gateway so interactions can be dispatched. */
  async function loggedIn(options: Parameters<typeof startFakeDiscord>[0] = {}) {
    fake = await startFakeDiscord({ now: () => Date.now() + offset, ...options });
    const socket = new WebSocket(`${fake.gatewayUrl}?v=10&encoding=json`);
    await new Promise((resolve) => socket.once('message', resolve));
    socket.send(JSON.stringify({ op: 2, d: { token: fake.token, intents: 1 << 9, properties: {} } }));
    await fake.gateway.waitUntilConnected();
    return { fake, socket };
  }

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${fake?.apiUrl}/v10${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
    });

  it('enforces the interaction lifecycle: one callback, %40original edits, 2,000 characters, token expiry', async () => {
    const { fake: live, socket } = await loggedIn();
    const interaction = live.slashCommand('ask', { prompt: 'hi' });
    const callback = `/interactions/${interaction.id}/${interaction.token}/callback`;
    expect(
      (await json(await api(callback, { method: 'POST', body: JSON.stringify({ type: 5 }) }))).status,
    ).toBe(204);
    expect(
      (await json(await api(callback, { method: 'POST', body: JSON.stringify({ type: 5 }) }))).body,
    ).toMatchObject({ code: 40060 });
    const original = `/webhooks/${live.applicationId}/${interaction.token}/messages/%40original`;
    const edited = await json(
      await api(original, { method: 'PATCH', body: JSON.stringify({ content: 'hello' }) }),
    );
    expect(edited.body).toMatchObject({
      content: 'hello',
      author: { id: live.botUser.id },
      mention_everyone: false,
      components: [],
    });
    expect(edited.headers.get('x-ratelimit-remaining')).toBe('4');
    const tooLong = await json(
      await api(original, { method: 'PATCH', body: JSON.stringify({ content: 'x'.repeat(2001) }) }),
    );
    expect(tooLong).toMatchObject({ status: 400, body: { code: 50035 } });
    offset = 15 * 60_000 + 1;
    expect(
      (await json(await api(original, { method: 'PATCH', body: JSON.stringify({ content: 'late' }) }))).body,
    ).toMatchObject({ code: 50027 });
    socket.close();
  });

  it('answers a spent bucket with a 429 and its headers, and refuses a late first callback', async () => {
    const { fake: live, socket } = await loggedIn({
      rateLimit: { limit: 2, windowMs: 5000 },
      ackDeadlineMs: 100,
    });
    const channel = `/channels/${live.world.channelId}/messages`;
    const post = () =>
      api(channel, {
        method: 'POST',
        headers: { authorization: `Bot ${live.token}` },
        body: JSON.stringify({ content: '@everyone hi' }),
      });
    expect((await json(await post())).body).toMatchObject({ mention_everyone: true });
    await post();
    const limited = await json(await post());
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ message: 'You are being rate limited.', global: false });
    expect(
      (await json(await api(channel, { method: 'POST', body: JSON.stringify({ content: 'no auth' }) })))
        .status,
    ).toBe(401);
    const interaction = live.slashCommand('status');
    await new Promise((resolve) => setTimeout(resolve, 150));
    const late = await json(
      await api(`/interactions/${interaction.id}/${interaction.token}/callback`, {
        method: 'POST',
        body: JSON.stringify({ type: 5 }),
      }),
    );
    expect(late.body).toMatchObject({ code: 10062 });
    socket.close();
  });
});

describe('fake Discord gateway', () => {
  let fake: FakeDiscord | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  const closeCodeFor = async (identify: Record<string, unknown>) => {
    const socket = new WebSocket(`${fake?.gatewayUrl}?v=10&encoding=json`);
    await new Promise((resolve) => socket.once('message', resolve));
    socket.send(JSON.stringify({ op: 2, d: identify }));
    return new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  };

  it('closes with 4004 for a bad token and 4014 for a privileged intent not enabled', async () => {
    fake = await startFakeDiscord();
    expect(await closeCodeFor({ token: 'wrong', intents: 0 })).toBe(4004);
    expect(await closeCodeFor({ token: fake.token, intents: 1 << 15 })).toBe(4014);
  });

  it('replays missed events on RESUME, then sends RESUMED', async () => {
    fake = await startFakeDiscord();
    const socket = new WebSocket(`${fake.gatewayUrl}?v=10&encoding=json`);
    const frames: { op: number; t?: string; s?: number; d?: { session_id?: string } }[] = [];
    socket.on('message', (data) => frames.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.once('message', resolve));
    socket.send(JSON.stringify({ op: 2, d: { token: fake.token, intents: 0 } }));
    await expect.poll(() => frames.some((frame) => frame.t === 'READY')).toBe(true);
    const sessionId = frames.find((frame) => frame.t === 'READY')?.d?.session_id;
    const closed = fake.gateway.nextClose();
    fake.disrupt({ kind: 'reset' });
    await closed;
    const missed = fake.slashCommand('ask', { prompt: 'while you were away' });
    const again = new WebSocket(`${fake.gatewayUrl}?v=10&encoding=json`);
    const replayed: { t?: string; d?: { id?: string } }[] = [];
    again.on('message', (data) => replayed.push(JSON.parse(String(data))));
    await new Promise((resolve) => again.once('message', resolve));
    again.send(JSON.stringify({ op: 6, d: { token: fake.token, session_id: sessionId, seq: 1 } }));
    await expect.poll(() => replayed.length).toBe(3);
    expect(replayed.map((frame) => frame.t)).toEqual([undefined, 'INTERACTION_CREATE', 'RESUMED']);
    expect(replayed[1]?.d?.id).toBe(missed.id);
    again.close();
  });
});
