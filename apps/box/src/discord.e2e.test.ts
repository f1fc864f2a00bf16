import {
  type ControlMessage,
  createLogger,
  type InboundEvent,
  loadConfig,
  type ReplyPart,
} from '@switchboard/core';
import {
  type FakeDiscord,
  type FakeInteraction,
  type StoredMessage,
  startFakeDiscord,
} from '@switchboard/testkit/fake-discord';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Box, startBox } from './box';

const silent = createLogger({ level: 'silent' });
const ORIGINAL = 'PATCH /webhooks/:app/:token/messages/@original';
const QUICK = { type: 'text', text: 'Quick answer.', chunkSize: 6, delayMs: 5 } as const;

const contents = (messages: readonly StoredMessage[]) => messages.map((message) => message.object.content);
const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('Discord through the whole box', () => {
  let discord: FakeDiscord;
  let openai: FakeOpenAI;
  let box: Box;
  let clockOffset = 0;
  const clock = () => Date.now() + clockOffset;
  const controls: ControlMessage[] = [];
  const gateways = new Map<string, string>();

  /** The final answer: the task's reply-end reached Discord (the footer embed is on the last message). */
  const answered = async (interaction: FakeInteraction, timeoutMs = 15_000) => {
    await expect
      .poll(() => discord.transcript(interaction).some((message) => message.object.embeds.length > 0), {
        timeout: timeoutMs,
        interval: 50,
      })
      .toBe(true);
    return discord.transcript(interaction);
  };

  beforeAll(async () => {
    discord = await startFakeDiscord({
      heartbeatIntervalMs: 1000,
      rateLimit: { limit: 5, windowMs: 1000 },
      now: clock,
    });
    openai = await startFakeOpenAI({ defaultBehaviour: QUICK });
    const env: Record<string, string> = {
      SWITCHBOARD_DATA_DIR: 'memory://',
      OPENAI_BASE_URL: openai.url,
      OPENAI_MODELS: 'fake-model',
      DISCORD_BOT_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_URL: discord.apiUrl,
      DISCORD_ALLOWED_USERS: discord.world.alice.id,
    };
    box = await startBox(loadConfig({ env, file: false }), { port: 0, logger: silent, clock });
    box.bus.onControl((message) => controls.push(message));
    // Learn which gateway owns each request, to publish an approval request the way a tool would.
    const enqueue = box.bus.enqueue.bind(box.bus);
    box.bus.enqueue = (event: InboundEvent) => {
      if (event.gateway !== undefined) gateways.set(event.id, event.gateway);
      return enqueue(event);
    };
  });
  afterAll(async () => {
    await box?.stop();
    await openai?.close();
    await discord?.close();
  });

  it('registers the slash commands and offers the configured models for /model', async () => {
    await discord.waitFor((call) => call.route === 'PUT /applications/:app/commands' && call.status === 200);
    const interaction = discord.autocomplete('model', 'name', 'fake');
    await discord.waitFor((call) => call.interactionId === interaction.id);
    expect(interaction.responses[0]?.body).toMatchObject({
      type: 8,
      data: { choices: [{ name: 'openai:fake-model', value: 'openai:fake-model' }] },
    });
  });

  it('defers /ask within 3 s and streams the answer by editing the original response', async () => {
    const answer = 'Streaming into Discord through the whole box, edit after edit after edit.';
    openai.enqueue({ type: 'text', text: answer, chunkSize: 6, delayMs: 120 });
    const interaction = discord.slashCommand('ask', { prompt: 'stream to me' });
    const messages = await answered(interaction);
    const defer = interaction.responses[0];
    expect(interaction.responses.map((response) => response.type)).toEqual([5]);
    expect((defer?.at ?? Number.POSITIVE_INFINITY) - interaction.createdAtReal).toBeLessThan(3000);
    const edits = discord.calls.filter(
      (call) => call.route === ORIGINAL && call.interactionId === interaction.id,
    );
    const texts = edits.map((call) => (call.body as { content: string }).content);
    expect(edits.length).toBeGreaterThanOrEqual(3);
    expect(
      texts.some((text) => text.length > 0 && text.length < answer.length && answer.startsWith(text)),
    ).toBe(true);
    expect(contents(messages)).toEqual([answer]);
    expect(JSON.stringify(messages[0]?.object.embeds)).toContain('openai:fake-model');
    expect(discord.calls.filter((call) => call.status === 429)).toEqual([]);
  });

  it('delivers a 5,000-character answer complete across follow-ups', async () => {
    const answer = Array.from({ length: 100 }, (_, index) =>
      `Line ${String(index).padStart(3, '0')}: ${'words '.repeat(7)}`.trim(),
    ).join('\n');
    expect(answer.length).toBeGreaterThanOrEqual(4000);
    openai.enqueue({ type: 'text', text: answer, chunkSize: 250, delayMs: 10 });
    const interaction = discord.slashCommand('ask', { prompt: 'a long answer please' });
    const messages = await answered(interaction);
    expect(messages.length).toBeGreaterThanOrEqual(3);
    expect(messages.map((message) => message.via)).toEqual([
      'original',
      ...messages.slice(1).map(() => 'followup'),
    ]);
    for (const message of messages) expect(message.object.content.length).toBeLessThanOrEqual(2000);
    expect(contents(messages).join('\n')).toBe(answer);
  });

  it('finishes a 16-minute task in ordinary channel messages once the interaction token runs out', async () => {
    const answer =
      'The first half arrives at once. The second half arrives sixteen minutes later, after the token died.';
    openai.enqueue({ type: 'text', text: answer, chunkSize: 12, delayMs: 250 });
    const interaction = discord.slashCommand('ask', { prompt: 'take your time' });
    await discord.waitFor(
      (call) =>
        call.route === ORIGINAL &&
        call.interactionId === interaction.id &&
        (call.body as { content: string }).content.startsWith('The first'),
    );
    clockOffset += 16 * 60_000;
    const messages = await answered(interaction);
    expect(messages[0]?.via).toBe('original');
    expect(messages.at(-1)?.via).toBe('channel');
    expect(squash(contents(messages).join(' '))).toBe(squash(answer));
    expect(
      discord.calls.filter((call) => call.interactionId === interaction.id && call.status === 401),
    ).toEqual([]);
  });

  it('round-trips an approval: buttons on Discord, a press through the box, the message updated with who decided', async () => {
    openai.enqueue({
      type: 'text',
      text: 'Checking the logs before deleting anything.',
      chunkSize: 8,
      delayMs: 200,
    });
    const interaction = discord.slashCommand('ask', { prompt: 'clean up the logs' });
    const requestId = `discord:${interaction.id}`;
    await expect.poll(() => gateways.get(requestId)).toBeDefined();
    await discord.waitFor((call) => call.route === ORIGINAL && call.interactionId === interaction.id);
    const approval: ReplyPart = {
      type: 'approval-request',
      approvalId: 'ap-discord',
      summary: 'Delete `./logs`?',
      choices: ['approve', 'deny'],
    };
    await box.bus.publishReply(requestId, gateways.get(requestId) ?? '', approval);
    const prompt = await expect
      .poll(() => discord.transcript(interaction).find((message) => message.object.components.length > 0), {
        timeout: 10_000,
      })
      .toBeDefined()
      .then(() => discord.transcript(interaction).find((message) => message.object.components.length > 0));
    if (prompt === undefined) throw new Error('no approval message');
    const approve = (prompt.object.components[0] as { components: { custom_id: string; label: string }[] })
      .components[0];
    expect(approve?.label).toBe('Approve');

    const stranger = discord.pressButton(prompt, approve?.custom_id ?? '', {
      actor: { user: discord.world.bob },
    });
    await discord.waitFor((call) => call.interactionId === stranger.id);
    expect(stranger.responses[0]?.type).toBe(4);

    const press = discord.pressButton(prompt, approve?.custom_id ?? '');
    await expect
      .poll(() =>
        controls.find(
          (control) => control.type === 'approval-decided' && control.approvalId === 'ap-discord',
        ),
      )
      .toEqual({
        type: 'approval-decided',
        approvalId: 'ap-discord',
        choice: 'approve',
        by: `discord:${discord.world.alice.id}`,
      });
    expect(press.responses.map((response) => response.type)).toEqual([7]);
    const decided = discord.messages.get(prompt.id)?.object;
    expect(decided?.content).toBe('**Approval needed**\nDelete `./logs`?\n\n**Approve** by Alice');
    expect(decided?.components).toEqual([]);
    expect(controls.filter((control) => control.type === 'approval-decided')).toHaveLength(1);
    const messages = await answered(interaction);
    expect(
      squash(
        contents(messages)
          .filter((text) => !text.startsWith('**Approval'))
          .join(' '),
      ),
    ).toBe('Checking the logs before deleting anything.');
  });

  it('never lets a model answer ping @everyone', async () => {
    const answer = 'Attention @everyone and @here: <@&222222222222222222> meeting now.';
    openai.enqueue({ type: 'text', text: answer, chunkSize: 10, delayMs: 5 });
    const interaction = discord.slashCommand('ask', { prompt: 'announce it' });
    const messages = await answered(interaction);
    expect(contents(messages)).toEqual([answer]);
    const sends = discord.calls.filter(
      (call) =>
        call.interactionId === interaction.id && call.route !== 'POST /interactions/:id/:token/callback',
    );
    expect(sends.length).toBeGreaterThan(0);
    for (const call of sends)
      expect((call.body as { allowed_mentions?: unknown }).allowed_mentions).toEqual({ parse: [] });
    expect(messages[0]?.object.mention_everyone).toBe(false);
    expect(messages[0]?.object.mention_roles).toEqual([]);
  });

  it('answers a mention in the channel and refuses a stranger politely', async () => {
    const mention = discord.say('what time is it?', { mention: true });
    await expect
      .poll(
        () =>
          discord
            .channelMessages(discord.world.channelId)
            .find(
              (message) =>
                (message.object.message_reference as { message_id?: string } | undefined)?.message_id ===
                mention.id,
            )?.object.embeds.length,
      )
      .toBe(1);
    const stranger = discord.slashCommand(
      'ask',
      { prompt: 'let me in' },
      { actor: { user: discord.world.bob } },
    );
    await expect
      .poll(() => discord.transcript(stranger)[0]?.object.content ?? '', { timeout: 10_000 })
      .toMatch(/only answer people my owner has allowed/);
  });
});

describe('switchboard discord invite', () => {
  it('prints the invite URL with the bot and applications.commands scopes', async () => {
    const { runDiscord } = await import('./cli/discord');
    const lines: string[] = [];
    const env = {
      DISCORD_BOT_TOKEN: 'sekrit-bot-token',
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_GUILD_ID: '223456789012345678',
    };
    expect(await runDiscord(['invite'], { env, print: (line) => lines.push(line) })).toBe(0);
    const url = new URL(lines.find((line) => line.startsWith('https://')) ?? '');
    expect(url.searchParams.get('scope')).toBe('bot applications.commands');
    expect(url.searchParams.get('client_id')).toBe('123456789012345678');
    expect(url.searchParams.get('guild_id')).toBe('223456789012345678');
    expect(lines.join('\n')).not.toContain('sekrit');
    expect(await runDiscord(['invite'], { env: {}, print: (line) => lines.push(line) })).toBe(1);
    expect(lines.at(-1)).toContain('DISCORD_BOT_TOKEN');
    expect(await runDiscord(['nope'], { env: {}, print: () => {} })).toBe(2);
  });
});
