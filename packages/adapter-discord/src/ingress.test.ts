import { COMMANDS, type ReplyPart } from '@switchboard/core';
import { ADMINISTRATOR } from '@switchboard/testkit/fake-discord';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../test/harness';

const CALLBACK = 'POST /interactions/:id/:token/callback';

describe('Discord ingress', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('registers every core command as a slash command with typed options, globally', async () => {
    harness = await startHarness();
    const { fake } = harness;
    const put = await fake.waitFor((call) => call.route === 'PUT /applications/:app/commands');
    expect(put.status).toBe(200);
    expect(put.authorization).toBe(`Bot ${fake.token}`);
    const registered = fake.commands.global as {
      name: string;
      options: { name: string; type: number; required: boolean; autocomplete?: boolean }[];
    }[];
    expect(registered.map((command) => command.name).sort()).toEqual(
      COMMANDS.map((command) => command.name).sort(),
    );
    expect(registered.find((command) => command.name === 'ask')?.options).toEqual([
      expect.objectContaining({ name: 'prompt', type: 3, required: true }),
    ]);
    expect(registered.find((command) => command.name === 'model')?.options[0]).toMatchObject({
      name: 'name',
      autocomplete: true,
      required: false,
    });
    expect(registered.find((command) => command.name === 'cancel')?.options[0]).toMatchObject({
      name: 'id',
      type: 3,
    });
    expect(registered.find((command) => command.name === 'status')?.options).toEqual([]);
  });

  it('registers in one server instantly when DISCORD_GUILD_ID is set', async () => {
    harness = await startHarness({ adapter: { guildId: '123456789012345678' } });
    const put = await harness.fake.waitFor(
      (call) => call.route === 'PUT /applications/:app/guilds/:guild/commands',
    );
    expect(put.path).toContain('/guilds/123456789012345678/');
    expect(harness.fake.commands.global).toEqual([]);
  });

  it('completes /model name: from the configured models without bothering the box', async () => {
    harness = await startHarness({
      adapter: { models: () => ['openai:gpt-4o-mini', 'openai:gpt-4o', 'llama:qwen2.5'] },
    });
    const { fake } = harness;
    const interaction = fake.autocomplete('model', 'name', 'GPT');
    await fake.waitFor((call) => call.route === CALLBACK && call.interactionId === interaction.id);
    expect(interaction.responses[0]).toMatchObject({
      type: 8,
      body: {
        type: 8,
        data: {
          choices: [
            { name: 'openai:gpt-4o-mini', value: 'openai:gpt-4o-mini' },
            { name: 'openai:gpt-4o', value: 'openai:gpt-4o' },
          ],
        },
      },
    });
    expect(harness.events).toEqual([]);
  });

  it('reads /cancel id: and /status, and carries the member roles', async () => {
    harness = await startHarness();
    const { fake } = harness;
    fake.slashCommand(
      'cancel',
      { id: 'task-1234' },
      { actor: { user: fake.world.bob, roles: ['111111111111111111'] } },
    );
    expect(await harness.nextEvent()).toMatchObject({
      command: { name: 'cancel', args: 'task-1234' },
      author: { platformUserId: fake.world.bob.id, roles: ['111111111111111111'] },
    });
    fake.slashCommand('status');
    expect(await harness.nextEvent()).toMatchObject({
      command: { name: 'status', args: '' },
      text: '/status',
    });
  });

  it('treats a DM as a direct conversation, for commands and plain messages', async () => {
    harness = await startHarness();
    const { fake } = harness;
    const dm = { channelId: fake.world.dmChannelId, guildId: undefined };
    fake.slashCommand('ask', { prompt: 'in private' }, { place: dm });
    expect(await harness.nextEvent()).toMatchObject({
      conversation: { account: '@me', channel: dm.channelId, direct: true },
    });
    fake.say('what is 2+2?', { place: dm });
    const message = await harness.nextEvent();
    expect(message).toMatchObject({
      kind: 'message',
      text: 'what is 2+2?',
      command: { name: 'ask', args: 'what is 2+2?' },
    });
    await harness.reply(message, [{ type: 'reply-end', text: 'Four.', meta: {} }]);
    const reply = fake.channelMessages(dm.channelId).at(-1);
    expect(reply?.object.content).toBe('Four.');
    expect(reply?.object.message_reference).toMatchObject({ message_id: message.id.replace('discord:', '') });
  });

  it('answers a mention in a server, strips the mention, and ignores messages not meant for it', async () => {
    harness = await startHarness();
    const { fake } = harness;
    fake.say('chatting among ourselves');
    fake.say('/status', { mention: true });
    const event = await harness.nextEvent();
    expect(event).toMatchObject({
      kind: 'command',
      text: '/status',
      command: { name: 'status', args: '' },
      conversation: { direct: false },
    });
    fake.say('a bot talking', { actor: { user: { ...fake.world.bob, bot: true } }, mention: true });
    fake.say('what is the plan?', { mention: true });
    expect(await harness.nextEvent()).toMatchObject({ kind: 'message', text: 'what is the plan?' });
    expect(harness.events).toHaveLength(2);
    await fake.waitFor(
      (call) =>
        call.route === 'POST /channels/:id/typing' &&
        call.seq > 0 &&
        fake.calls.filter((c) => c.route === call.route).length === 2,
    );
    expect(fake.calls.filter((call) => call.route === 'POST /channels/:id/typing')).toHaveLength(2);
  });

  it('drops a replayed interaction: one defer, one event', async () => {
    harness = await startHarness({ fake: { replayOverlap: 3 } });
    const { fake } = harness;
    const interaction = fake.slashCommand('ask', { prompt: 'only once' });
    await harness.nextEvent();
    const resumed = fake.gateway.nextClose();
    fake.disrupt({ kind: 'reconnect' });
    await resumed;
    await fake.gateway.waitUntilConnected();
    const later = fake.slashCommand('ask', { prompt: 'after the resume' });
    await harness.nextEvent();
    expect(fake.gateway.resumes).toBeGreaterThanOrEqual(1);
    await expect.poll(() => later.responses.length).toBe(1);
    expect(interaction.responses).toHaveLength(1);
    expect(interaction.duplicateResponses).toHaveLength(0);
    expect(later.responses).toHaveLength(1);
    expect(harness.events.map((event) => event.id)).toEqual([
      `discord:${interaction.id}`,
      `discord:${later.id}`,
    ]);
  });

  it('tells the user when the box ignores a request, in its first response', async () => {
    harness = await startHarness({
      sinkResult: () => ({ status: 'ignored', reason: 'Switchboard is not taking requests here.' }),
    });
    const { fake } = harness;
    const interaction = fake.slashCommand('ask', { prompt: 'hello' });
    await expect.poll(() => interaction.responses.length).toBe(1);
    expect(interaction.responses[0]?.type).toBe(4);
    expect(fake.transcript(interaction)[0]?.object.content).toBe('Switchboard is not taking requests here.');
  });
});

describe('Discord approval buttons', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  async function approvalMessage(h: Harness) {
    const { fake } = h;
    const interaction = fake.slashCommand('ask', { prompt: 'delete the logs' });
    const event = await h.nextEvent();
    const done = h.reply(event, [
      { type: 'text-delta', delta: 'I will run a command.' },
      {
        type: 'approval-request',
        approvalId: 'appr-42',
        summary: 'Run `rm -rf ./logs`?',
        choices: ['approve', 'deny'],
      },
      { type: 'text-delta', delta: ' Done: logs deleted.' },
      { type: 'reply-end', text: 'I will run a command. Done: logs deleted.', meta: {} },
    ]);
    await done;
    const prompt = fake.transcript(interaction).find((message) => message.object.components.length > 0);
    if (prompt === undefined) throw new Error('no approval message');
    return { interaction, prompt };
  }

  it('posts the request as buttons, between the text before and after it', async () => {
    harness = await startHarness();
    const { interaction, prompt } = await approvalMessage(harness);
    const transcript = harness.fake.transcript(interaction).map((message) => message.object.content);
    expect(transcript).toEqual(['I will run a command.', 'Run `rm -rf ./logs`?', 'Done: logs deleted.']);
    const buttons = (
      prompt.object.components[0] as { components: { label: string; style: number; custom_id: string }[] }
    ).components;
    expect(buttons.map((button) => [button.label, button.style])).toEqual([
      ['Approve', 3],
      ['Deny', 4],
    ]);
  });

  it('turns a reply that shows only a status line into the approval prompt, with the answer after it', async () => {
    harness = await startHarness();
    const { fake } = harness;
    const interaction = fake.slashCommand('ask', { prompt: 'deploy' });
    const event = await harness.nextEvent();
    async function* parts(): AsyncIterable<ReplyPart> {
      yield { type: 'status', text: 'thinking on openai:fake…' };
      await fake.waitFor((call) => call.interactionId === interaction.id && call.route.startsWith('PATCH'));
      yield {
        type: 'approval-request',
        approvalId: 'ap-7',
        summary: 'Deploy to production?',
        choices: ['approve', 'deny'],
      };
      yield { type: 'text-delta', delta: 'Deployed.' };
      yield { type: 'reply-end', text: 'Deployed.', meta: {} };
    }
    await harness.reply(event, parts());
    const transcript = fake.transcript(interaction);
    expect(transcript.map((message) => message.object.content)).toEqual([
      'Deploy to production?',
      'Deployed.',
    ]);
    expect(transcript.map((message) => message.via)).toEqual(['original', 'followup']);
    expect(transcript[0]?.object.components).toHaveLength(1);
  });

  it('hands a press on with whose request it was, and updates the message once the agent accepts it', async () => {
    harness = await startHarness();
    const { fake } = harness;
    const { prompt } = await approvalMessage(harness);
    const buttons = (prompt.object.components[0] as { components: { custom_id: string }[] }).components;
    const press = fake.pressButton(prompt, buttons[0]?.custom_id ?? '');
    const action = await harness.nextEvent();
    expect(action).toMatchObject({
      id: `discord:${press.id}`,
      kind: 'action',
      author: { platformUserId: fake.world.alice.id, displayName: 'Alice' },
      action: { id: 'approval', value: 'appr-42:approve', requestedBy: fake.world.alice.id },
    });
    expect(action.author.admin).toBeUndefined();
    expect(press.responses.map((response) => response.type)).toEqual([6]);
    expect(fake.messages.get(prompt.id)?.object.components).not.toEqual([]);

    await harness.reply(action, [{ type: 'reply-end', text: 'approve by Alice', meta: {} }]);
    const updated = fake.messages.get(prompt.id)?.object;
    expect(updated?.content).toBe('Run `rm -rf ./logs`?\n\n**Approve** by Alice');
    expect(updated?.components).toEqual([]);
    const edits = fake.calls.filter(
      (call) => call.interactionId === press.id && call.route.startsWith('PATCH'),
    );
    expect(edits.map((call) => call.body)).toEqual([
      { content: updated?.content, components: [], allowed_mentions: { parse: [] } },
    ]);
  });

  it('passes anyone’s press on (the agent decides), marking server admins, and never decides itself', async () => {
    harness = await startHarness();
    const { fake } = harness;
    const { prompt } = await approvalMessage(harness);
    const deny =
      (prompt.object.components[0] as { components: { custom_id: string }[] }).components[1]?.custom_id ?? '';
    const stranger = fake.pressButton(prompt, deny, { actor: { user: fake.world.bob } });
    expect(await harness.nextEvent()).toMatchObject({
      author: { platformUserId: fake.world.bob.id },
      action: { value: 'appr-42:deny', requestedBy: fake.world.alice.id },
    });
    expect(stranger.responses.map((response) => response.type)).toEqual([6]);
    const admin = fake.pressButton(prompt, deny, {
      actor: { user: fake.world.admin, permissions: ADMINISTRATOR },
    });
    expect(await harness.nextEvent()).toMatchObject({
      author: { platformUserId: fake.world.admin.id, admin: true },
      action: { value: 'appr-42:deny', requestedBy: fake.world.alice.id },
    });
    expect(admin.responses.map((response) => response.type)).toEqual([6]);
    expect(fake.messages.get(prompt.id)?.object.components).not.toEqual([]);
  });

  it('shows the agent’s refusal only to the presser, and leaves the buttons', async () => {
    harness = await startHarness();
    const { fake } = harness;
    const { prompt } = await approvalMessage(harness);
    const approve =
      (prompt.object.components[0] as { components: { custom_id: string }[] }).components[0]?.custom_id ?? '';
    const press = fake.pressButton(prompt, approve, { actor: { user: fake.world.bob } });
    const action = await harness.nextEvent();
    const refusal = 'Only the person who asked for this can decide it.';
    await harness.reply(action, [{ type: 'error', code: 'not_your_approval', message: refusal }]);
    const followUp = fake.calls.find(
      (call) => call.interactionId === press.id && call.route === 'POST /webhooks/:app/:token',
    );
    expect(followUp?.body).toMatchObject({ flags: 64, content: `⚠️ ${refusal}` });
    const message = fake.messages.get(prompt.id)?.object;
    expect(message?.content).toBe('Run `rm -rf ./logs`?');
    expect(message?.components).not.toEqual([]);
  });

  it('tells the presser privately when a button is not one it made', async () => {
    harness = await startHarness();
    const { fake } = harness;
    const { prompt } = await approvalMessage(harness);
    const press = fake.pressButton(prompt, 'sb~forgotten-after-a-restart');
    await fake.waitFor((call) => call.interactionId === press.id);
    expect(press.responses[0]).toMatchObject({
      type: 4,
      body: { data: { flags: 64, content: 'This button is no longer active.' } },
    });
    expect(harness.events.filter((event) => event.kind === 'action')).toEqual([]);
  });
});
