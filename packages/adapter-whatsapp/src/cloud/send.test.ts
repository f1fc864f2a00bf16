import { createLogger, PlatformError } from '@switchboard/core';
import { type FakeGraph, startFakeGraph } from '@switchboard/testkit/fake-whatsapp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNDELIVERABLE } from './errors';
import { GraphClient } from './graph';
import { CloudSender } from './send';
import { CustomerWindows } from './window';

const HOUR = 60 * 60 * 1000;
const clock = Date.UTC(2026, 0, 10);
let graph: FakeGraph;
const lines: { level: number; msg: string }[] = [];
const logger = createLogger({
  level: 'info',
  destination: { write: (line) => lines.push(JSON.parse(line) as { level: number; msg: string }) },
});

function sender(template?: { name: string; language: string }) {
  const windows = new CustomerWindows();
  const client = new GraphClient({
    graphUrl: graph.url,
    token: graph.token,
    phoneNumberId: graph.phoneNumberId,
  });
  return { windows, sender: new CloudSender({ graph: client, windows, logger, now: () => clock, template }) };
}

beforeAll(async () => {
  graph = await startFakeGraph({ now: () => clock });
});
afterAll(() => graph.close());

describe('sending outside and inside the 24-hour window', () => {
  it('holds a reply outside the window and says how to notify the user, without calling Meta', async () => {
    const { sender: cloud, windows } = sender();
    const before = graph.calls.length;
    const outcome = await cloud.post(
      { waId: '15550000001', messageId: 'wamid.a', wroteAt: clock - 25 * HOUR },
      { text: 'late', final: true },
    );
    expect(outcome).toEqual({ held: true });
    expect(graph.calls.length).toBe(before);
    expect(lines.some((line) => line.level === 40 && line.msg.includes('set WHATSAPP_TEMPLATE'))).toBe(true);
    expect(windows.takeHeld('15550000001')).toHaveLength(1);
  });

  it('treats a 131047 from Meta as a closed window: held and logged plainly, not retried', async () => {
    const { sender: cloud } = sender({ name: 'reply_waiting', language: 'en_US' });
    const outcome = await cloud.post(
      { waId: '15550000002', messageId: 'wamid.b', wroteAt: clock - HOUR },
      { text: 'hello', final: true },
    );
    expect(outcome).toEqual({ held: true });
    expect(
      graph.calls.filter((call) => call.to === '15550000002').map((call) => call.errorCode ?? call.kind),
    ).toEqual([131047, 'template']);
    expect(lines.some((line) => line.msg.includes('24-hour window is closed'))).toBe(true);
  });

  it('throws a 131026 as undeliverable with a clear error log', async () => {
    const { sender: cloud } = sender();
    graph.userWrote('15550000003', clock);
    graph.fail({ code: 131026, to: '15550000003' });
    const failure = await cloud
      .post({ waId: '15550000003', messageId: 'wamid.c', wroteAt: clock }, { text: 'hi', final: true })
      .catch((error: unknown) => error);
    expect(PlatformError.isInstance(failure) && failure.code).toBe(UNDELIVERABLE);
    expect(lines.some((line) => line.level === 50 && line.msg.includes('undeliverable'))).toBe(true);
  });

  it('sends a question longer than 1,024 characters as text, then the buttons', async () => {
    const { sender: cloud } = sender();
    graph.userWrote('15550000004', clock);
    const question = 'Long question. '.repeat(100);
    await cloud.post(
      { waId: '15550000004', messageId: 'wamid.d', wroteAt: clock },
      {
        text: question,
        final: true,
        buttons: [{ id: 'approval', value: 'ap-9:approve', label: 'Approve this very long action now' }],
      },
    );
    const sent = graph.sent('15550000004');
    expect(sent.map((call) => call.kind)).toEqual(['text', 'interactive']);
    const interactive = sent[1]?.body?.['interactive'] as {
      action: { buttons: { reply: { title: string } }[] };
    };
    expect(interactive.action.buttons[0]?.reply.title).toBe('Approve this very l…');
  });
});
