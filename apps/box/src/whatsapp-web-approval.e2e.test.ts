/**
 * A numbered approval in WhatsApp web mode, round-tripped through the whole box: the model calls
 * `write_file`, the box's own adapter posts the approval request with "Reply 1 to approve …", the owner
 * answers "1" in their own chat, the agent decides and the file is written.
 * Runs on NATS, where the gateway id is configurable (SWITCHBOARD_GATEWAY_ID); CI sets NATS_URL.
 * WhatsApp Web itself cannot run offline, so the box gets testkit's fake whatsapp-web.js client.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ControlMessage, createLogger, loadConfig } from '@switchboard/core';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { FakeWhatsAppWeb } from '@switchboard/testkit/fake-whatsapp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Box, startBox } from './box';

const natsUrl = process.env['NATS_URL'];
const silent = createLogger({ level: 'silent' });
const OWNER = '15550001111';
const SELF = `${OWNER}@c.us`;
const GATEWAY = `wa-e2e-${randomBytes(4).toString('hex')}`;

async function until(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.skipIf(natsUrl === undefined)('a numbered WhatsApp approval through the whole box', () => {
  const world = new FakeWhatsAppWeb({ me: OWNER, linked: true });
  const controls: ControlMessage[] = [];
  let openai: FakeOpenAI;
  let box: Box;
  let workspace: string;

  beforeAll(async () => {
    workspace = await mkdtemp(path.join(tmpdir(), 'whatsapp-web-workspace-'));
    openai = await startFakeOpenAI({
      defaultBehaviour: { type: 'text', text: 'Done.', chunkSize: 1, delayMs: 400 },
    });
    const config = loadConfig({
      env: {
        SWITCHBOARD_DATA_DIR: 'memory://',
        SWITCHBOARD_WORKSPACE: workspace,
        NATS_URL: natsUrl ?? '',
        SWITCHBOARD_NATS_PREFIX: GATEWAY,
        SWITCHBOARD_GATEWAY_ID: GATEWAY,
        OPENAI_BASE_URL: openai.url,
        OPENAI_MODELS: 'fake-model',
        SWITCHBOARD_OWNER: `whatsapp:${OWNER}`,
        WHATSAPP_MODE: 'web',
        WHATSAPP_PROGRESS_SECONDS: '0',
      },
      file: false,
    });
    box = await startBox(config, {
      port: 0,
      logger: silent,
      whatsappWeb: {
        clientFactory: async () => world.createClient(),
        showQr: () => {},
        connectTimeoutMs: 2000,
      },
    });
    box.bus.onControl((message) => controls.push(message));
    await world.connected();
  }, 60_000);
  afterAll(async () => {
    await box?.stop();
    await openai?.close();
    await rm(workspace, { recursive: true, force: true });
  });

  it('posts the numbered question of a real tool call, and "1" in the same chat approves it', async () => {
    openai.enqueue({
      type: 'tool-calls',
      calls: [{ name: 'write_file', arguments: { path: 'cache.txt', content: 'cleaned' } }],
    });
    world.writeToSelf('clean up the cache, please');
    const asked = () =>
      world.sentTo(SELF).find((text) => text.startsWith('write_file: write 7 bytes to cache.txt'));
    await until(() => asked() !== undefined);
    expect(asked()).toMatch(/\n\nReply 1 to approve/);
    await expect(readFile(path.join(workspace, 'cache.txt'))).rejects.toThrow();

    world.writeToSelf('1');
    await until(() => controls.some((message) => message.type === 'approval-decided'));
    expect(controls).toContainEqual({
      type: 'approval-decided',
      approvalId: expect.stringMatching(/^ap_/),
      choice: 'approve',
      by: `whatsapp:${OWNER}`,
    });
    await until(() => world.sentTo(SELF).includes('approve by Owner'));
    await until(() => world.sentTo(SELF).includes('Done.'), 20_000);
    expect(await readFile(path.join(workspace, 'cache.txt'), 'utf8')).toBe('cleaned');
  }, 40_000);
});
