import { type ActionInvocation, approvalButton } from '@switchboard/core';
import { openStore, type Store } from '@switchboard/memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFUSAL } from '../access';
import { type AgentHarness, idleProvider, startAgentHarness } from '../test-harness';
import { NOT_YOURS } from './approval';

/** A press of `choice` on the approval `approvalId`. */
const press = (approvalId: string, choice = 'approve'): ActionInvocation =>
  approvalButton({ approvalId, choice });

describe('approval presses', () => {
  let store: Store;
  let harness: AgentHarness;
  let sequence = 0;

  beforeAll(async () => {
    store = await openStore({ dataDir: 'memory://' });
    // Owner: telegram:1. Member: telegram:2. Discord members: anyone with the `mods` role.
    harness = startAgentHarness({ store, providers: [idleProvider('llama', 'local', ['qwen'])] });
  });
  afterAll(async () => {
    await harness.close();
    await store.close();
  });

  /** A pending approval of a task `requester` started, as the tool loop stores it. */
  async function pending(requester: string, expiresInMs = 60_000): Promise<string> {
    sequence += 1;
    const taskId = `task-${sequence}`;
    await store.beginTask({
      id: taskId,
      eventId: `event-${sequence}`,
      conversationKey: 'k',
      authorId: requester,
      command: 'ask',
    });
    const id = `ap-${sequence}`;
    await store.createApproval({
      id,
      taskId,
      conversationKey: 'k',
      requester,
      toolName: 'shell',
      argumentsHash: 'h',
      arguments: { command: 'ls' },
      summary: 'run `ls`',
      choices: ['approve', 'deny'],
      expiresAt: new Date(Date.now() + expiresInMs),
    });
    return id;
  }

  const decisions = (approvalId: string) =>
    harness.controls.filter(
      (control) => control.type === 'approval-decided' && control.approvalId === approvalId,
    );

  it('lets the person who asked decide, records it, and publishes the decision once', async () => {
    const id = await pending('telegram:2');
    const parts = await harness.press(press(id), { user: '2' });
    expect(parts).toEqual([{ type: 'reply-end', text: 'approve by User 2', meta: {} }]);
    expect(decisions(id)).toEqual([
      { type: 'approval-decided', approvalId: id, choice: 'approve', by: 'telegram:2' },
    ]);
    expect(await store.getApproval(id)).toMatchObject({ status: 'approved', decidedBy: 'telegram:2' });
  });

  it('refuses another member, and decides nothing', async () => {
    const id = await pending('telegram:1');
    const parts = await harness.press(press(id), { user: '2' });
    expect(parts).toEqual([{ type: 'error', code: 'not_your_approval', message: NOT_YOURS }]);
    expect(decisions(id)).toEqual([]);
    expect(await store.getApproval(id)).toMatchObject({ status: 'pending' });
  });

  it('lets a box owner decide anyone’s approval', async () => {
    const id = await pending('telegram:2');
    await harness.press(press(id, 'deny'), { user: '1' });
    expect(decisions(id)).toMatchObject([{ by: 'telegram:1', choice: 'deny' }]);
    expect(await store.getApproval(id)).toMatchObject({ status: 'denied' });
  });

  it('lets an admin of the place decide', async () => {
    const discord = { platform: 'discord' as const, account: 'guild', channel: 'general', direct: false };
    const member = { user: '77', roles: ['mods'], conversation: discord };
    const id = await pending('discord:55');
    const refused = await harness.press(press(id), member);
    expect(refused).toEqual([{ type: 'error', code: 'not_your_approval', message: NOT_YOURS }]);
    expect(decisions(id)).toEqual([]);
    await harness.press(press(id), { ...member, admin: true });
    expect(decisions(id)).toEqual([
      { type: 'approval-decided', approvalId: id, choice: 'approve', by: 'discord:77' },
    ]);
  });

  it('decides once: a second press, a press after expiry, an unknown id or choice change nothing', async () => {
    const id = await pending('telegram:1');
    await harness.press(press(id));
    expect(await harness.press(press(id, 'deny'))).toMatchObject([
      { type: 'error', code: 'approval_closed' },
    ]);
    expect(await store.getApproval(id)).toMatchObject({ status: 'approved' });
    const expired = await pending('telegram:1', -1);
    expect(await harness.press(press(expired))).toMatchObject([
      { type: 'error', code: 'approval_closed', message: expect.stringContaining('expired') },
    ]);
    expect(await store.getApproval(expired)).toMatchObject({ status: 'expired' });
    expect(await harness.press(press('ap-nowhere'))).toMatchObject([
      { type: 'error', code: 'unknown_approval' },
    ]);
    const other = await pending('telegram:1');
    expect(await harness.press(press(other, 'maybe'))).toMatchObject([
      { type: 'error', code: 'invalid_choice' },
    ]);
    expect(decisions(expired)).toEqual([]);
  });

  it('refuses a stranger before anything else', async () => {
    const id = await pending('telegram:999');
    const parts = await harness.press(press(id), { user: '999' });
    expect(parts).toEqual([{ type: 'error', code: 'unauthorized', message: REFUSAL }]);
    expect(decisions(id)).toEqual([]);
  });

  it('says a button is no longer active when it is not one the agent knows', async () => {
    const parts = await harness.press({ id: 'approval', value: 'no-choice' }, { user: '1' });
    expect(parts).toEqual([
      { type: 'error', code: 'unknown_action', message: 'That button is no longer active.' },
    ]);
  });
});
