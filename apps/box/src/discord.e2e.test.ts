import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ControlMessage, createLogger, loadConfig } from '@switchboard/core';
import {
  type ApiUser,
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
  /** Allowed to use the box, but never the one who asked for an approval. */
  let carol: ApiUser;
  const clock = () => Date.now() + clockOffset;
  const controls: ControlMessage[] = [];
  let workspace: string;

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
    carol = { ...discord.world.bob, id: '323232323232323232', username: 'carol', global_name: 'Carol' };
    workspace = await mkdtemp(path.join(tmpdir(), 'discord-workspace-'));
    const env: Record<string, string> = {
      SWITCHBOARD_DATA_DIR: 'memory://',
      SWITCHBOARD_WORKSPACE: workspace,
      OPENAI_BASE_URL: openai.url,
      OPENAI_MODELS: 'fake-model',
      DISCORD_BOT_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_URL: discord.apiUrl,
      DISCORD_ALLOWED_USERS: `${discord.world.alice.id},${carol.id}`,
    };
    box = await startBox(loadConfig({ env, file: false }), { port: 0, logger: silent, clock });
    box.bus.onControl((message) => controls.push(message));
  });
  afterAll(async () => {
    await box?.stop();
    await openai?.close();
    await discord?.close();
    await rm(workspace, { recursive: true, force: true });
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
    expect(contents(messages).join('')).toBe(answer);
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

  it('renders a real approval from a real tool call as buttons; only the requester decides, once', async () => {
    openai.enqueue(
      {
        type: 'tool-calls',
        calls: [{ name: 'write_file', arguments: { path: 'logs.txt', content: 'from discord' } }],
      },
      { type: 'text', text: 'Saved the note.', chunkSize: 8, delayMs: 20 },
    );
    const interaction = discord.slashCommand('ask', { prompt: 'save a note' });
    const withButtons = () =>
      discord.transcript(interaction).find((message) => message.object.components.length > 0);
    await expect.poll(withButtons, { timeout: 10_000 }).toBeDefined();
    const prompt = withButtons();
    if (prompt === undefined) throw new Error('no approval message');
    expect(prompt.object.content).toContain('write_file: write 12 bytes to logs.txt');
    const buttons = (prompt.object.components[0] as { components: { custom_id: string; label: string }[] })
      .components;
    const approve = buttons[0];
    expect(approve?.label).toBe('Approve');
    expect(buttons.map((button) => button.custom_id.split(':').at(-1))).toEqual([
      'approve',
      'allow-conversation',
      'deny',
    ]);
    const approvalId = approve?.custom_id.split(':').at(-2) ?? '';
    await expect(readFile(path.join(workspace, 'logs.txt'))).rejects.toThrow();

    // The agent decides who may press: a stranger is refused, a member who did not ask is told so;
    // both privately, and the buttons stay.
    const privately = async (actor: ApiUser, sentence: RegExp) => {
      const press = discord.pressButton(prompt, approve?.custom_id ?? '', { actor: { user: actor } });
      const followUp = await discord.waitFor(
        (call) => call.interactionId === press.id && call.route === 'POST /webhooks/:app/:token',
      );
      expect(press.responses.map((response) => response.type)).toEqual([6]);
      expect(followUp.body).toMatchObject({ flags: 64, content: expect.stringMatching(sentence) });
    };
    await privately(discord.world.bob, /only answer people my owner has allowed/);
    await privately(carol, /Only the person who asked for this/);
    expect(discord.messages.get(prompt.id)?.object.components).not.toEqual([]);
    expect(controls.filter((control) => control.type === 'approval-decided')).toEqual([]);
    await expect(readFile(path.join(workspace, 'logs.txt'))).rejects.toThrow();

    const press = discord.pressButton(prompt, approve?.custom_id ?? '');
    const second = discord.pressButton(prompt, approve?.custom_id ?? '');
    await expect
      .poll(() =>
        controls.find((control) => control.type === 'approval-decided' && control.approvalId === approvalId),
      )
      .toEqual({
        type: 'approval-decided',
        approvalId,
        choice: 'approve',
        by: `discord:${discord.world.alice.id}`,
      });
    expect(press.responses.map((response) => response.type)).toEqual([6]);
    await expect
      .poll(() => discord.messages.get(prompt.id)?.object.content)
      .toMatch(/write_file: write 12 bytes to logs\.txt.*\n\n\*\*Approve\*\* by Alice$/s);
    expect(discord.messages.get(prompt.id)?.object.components).toEqual([]);
    const messages = await answered(interaction);
    expect(
      squash(
        contents(messages)
          .filter((text) => !text.startsWith('write_file:'))
          .join(' '),
      ),
    ).toBe('Saved the note.');
    await expect.poll(() => second.responses.length).toBeGreaterThan(0);
    expect(controls.filter((control) => control.type === 'approval-decided')).toHaveLength(1);
    expect(await readFile(path.join(workspace, 'logs.txt'), 'utf8')).toBe('from discord');
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
