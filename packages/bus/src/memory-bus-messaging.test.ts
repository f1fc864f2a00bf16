import type { ControlMessage, ReplyPart } from '@switchboard/core';
import { afterEach, describe, expect, it } from 'vitest';
import { Gate, pause, Recorder } from './contract-fixtures';
import { createMemoryBus } from './memory-bus';
import type { HandlerErrorContext, MemoryBusOptions } from './options';

const TIMEOUT_MS = 5000;
const status = (text: string): ReplyPart => ({ type: 'status', text });

describe('createMemoryBus messaging', () => {
  const buses: ReturnType<typeof createMemoryBus>[] = [];
  const open = (options: MemoryBusOptions = {}) => {
    const bus = createMemoryBus(options);
    buses.push(bus);
    return bus;
  };
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
  });

  describe('replies', () => {
    it('drops parts for an owner without a handler, and resolves their publish', async () => {
      const bus = open();
      await bus.publishReply('r1', 'gateway', status('nobody listens'));
      const received = new Recorder<string>(TIMEOUT_MS);
      bus.onReplies('gateway', async (_requestId, part) => {
        if (part.type === 'status') received.push(part.text);
      });
      await bus.publishReply('r1', 'gateway', status('heard'));
      expect(received.items).toEqual(['heard']);
    });

    it('resolves publishReply once the owner’s handler has settled for the part', async () => {
      const bus = open();
      const release = new Gate();
      bus.onReplies('gateway', async () => {
        await release.wait(TIMEOUT_MS);
      });
      let resolved = false;
      const published = bus.publishReply('r1', 'gateway', status('slow')).then(() => {
        resolved = true;
      });
      await pause(20);
      expect(resolved).toBe(false);
      release.open();
      await published;
      expect(resolved).toBe(true);
    });

    it('keeps delivering other requests while one request’s handler is slow', async () => {
      const bus = open();
      const release = new Gate();
      const received = new Recorder<string>(TIMEOUT_MS);
      bus.onReplies('gateway', async (requestId) => {
        if (requestId === 'slow') await release.wait(TIMEOUT_MS);
        received.push(requestId);
      });
      const slow = bus.publishReply('slow', 'gateway', status('1'));
      await bus.publishReply('fast', 'gateway', status('1'));
      expect(received.items).toEqual(['fast']);
      release.open();
      await slow;
      expect(received.items).toEqual(['fast', 'slow']);
    });

    it('reports a failing handler and still delivers the next part; publish never rejects', async () => {
      const errors: HandlerErrorContext[] = [];
      const bus = open({ onHandlerError: (_error, context) => errors.push(context) });
      const received: string[] = [];
      bus.onReplies('gateway', async (_requestId, part) => {
        if (part.type === 'status' && part.text === 'boom') throw new Error('platform down');
        if (part.type === 'status') received.push(part.text);
      });
      await expect(bus.publishReply('r1', 'gateway', status('boom'))).resolves.toBeUndefined();
      await bus.publishReply('r1', 'gateway', status('after'));
      expect(received).toEqual(['after']);
      expect(errors).toEqual([{ source: 'replies', owner: 'gateway', requestId: 'r1' }]);
    });

    it('allows one handler per owner, and a new one after unsubscribing', () => {
      const bus = open();
      const stop = bus.onReplies('gateway', async () => {});
      expect(() => bus.onReplies('gateway', async () => {})).toThrow(/already registered/);
      stop();
      expect(() => bus.onReplies('gateway', async () => {})).not.toThrow();
    });
  });

  describe('control', () => {
    it('reports a throwing control handler and still calls the others before publish resolves', async () => {
      const errors: HandlerErrorContext[] = [];
      const bus = open({ onHandlerError: (_error, context) => errors.push(context) });
      const received: ControlMessage[] = [];
      bus.onControl(() => {
        throw new Error('listener bug');
      });
      bus.onControl((message) => received.push(message));
      const message: ControlMessage = { type: 'cancel', taskId: 't1', by: 'web:me' };
      await bus.publishControl(message);
      expect(received).toEqual([message]);
      expect(errors).toEqual([{ source: 'control', messageType: 'cancel' }]);
    });
  });
});
