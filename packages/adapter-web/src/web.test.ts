import { describe, expect, it } from 'vitest';
import { isAuthorized } from './auth';
import { renderChatPage } from './page';
import { parseMessageRequest } from './request';
import { encodePart, readParts } from './sse';

const request = (headers: Record<string, string> = {}) =>
  new Request('http://box/api/messages', { method: 'POST', headers });

describe('isAuthorized', () => {
  it('admits loopback callers when no token is configured, and nobody else', () => {
    expect(isAuthorized(request(), '127.0.0.1', undefined)).toBe(true);
    expect(isAuthorized(request(), '::1', undefined)).toBe(true);
    expect(isAuthorized(request(), '::ffff:127.0.0.1', undefined)).toBe(true);
    expect(isAuthorized(request(), '192.168.1.20', undefined)).toBe(false);
    expect(isAuthorized(request(), undefined, undefined)).toBe(false);
  });
  it('requires the exact bearer token when one is configured, from anywhere', () => {
    const token = 'a-token-that-is-long-enough';
    expect(isAuthorized(request({ authorization: `Bearer ${token}` }), '10.0.0.5', token)).toBe(true);
    expect(isAuthorized(request({ authorization: `Bearer ${token}x` }), '127.0.0.1', token)).toBe(false);
    expect(isAuthorized(request(), '127.0.0.1', token)).toBe(false);
  });
});

describe('parseMessageRequest', () => {
  it('accepts text and an optional conversation', () => {
    expect(parseMessageRequest({ text: 'hi' })).toEqual({ conversation: 'default', text: 'hi' });
    expect(parseMessageRequest({ text: 'hi', conversation: 'work-1' })).toEqual({
      conversation: 'work-1',
      text: 'hi',
    });
  });
  it('explains what is wrong', () => {
    expect(parseMessageRequest([])).toHaveProperty('error');
    expect(parseMessageRequest({ text: 3 })).toEqual({ error: '"text" must be a non-empty string.' });
    expect(parseMessageRequest({ text: 'x', conversation: '../etc' })).toHaveProperty('error');
    expect(parseMessageRequest({ text: 'x'.repeat(100_001) })).toHaveProperty('error');
  });
});

describe('server-sent reply parts', () => {
  it('round-trip through encodePart and readParts, even split mid-line', async () => {
    const parts = [
      { type: 'status', text: 'thinking…' },
      { type: 'text-delta', delta: 'line one\n\nline two' },
      { type: 'reply-end', text: 'done', meta: {} },
    ] as const;
    const bytes = Buffer.concat(parts.map((part) => Buffer.from(encodePart(part))));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let index = 0; index < bytes.length; index += 7)
          controller.enqueue(bytes.subarray(index, index + 7));
        controller.close();
      },
    });
    const read = [];
    for await (const part of readParts(body)) read.push(part);
    expect(read).toEqual(parts);
  });
});

describe('the chat page', () => {
  it('carries scripts that compile and send same-origin JSON that can be stopped', () => {
    const html = renderChatPage();
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1] ?? '');
    expect(scripts).toHaveLength(2);
    for (const source of scripts) expect(() => new Function(source)).not.toThrow();
    expect(scripts[0]).toContain('function renderMarkdown(target, text)');
    const script = scripts[1] ?? '';
    expect(script).toContain("fetch('/api/messages'");
    expect(script).toContain("{ 'content-type': 'application/json' }");
    expect(script).toContain('signal: answering.signal');
  });
});
