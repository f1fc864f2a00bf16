import { createInterface } from 'node:readline/promises';
import type { ReplyMeta } from '@switchboard/core';
import { readParts } from './sse';

/** Where the terminal chat connects and what it reads and writes. */
export interface TerminalChatOptions {
  /** The box's base URL, such as http://127.0.0.1:3000. */
  readonly url: string;
  readonly apiToken: string | undefined;
  readonly conversation: string;
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
}

const dim = (text: string) => `\u001b[2m${text}\u001b[22m`;

/** Send one message to the box and print the reply as it streams. Resolves when the reply ended. */
export async function askOnce(options: Omit<TerminalChatOptions, 'input'>, text: string): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.apiToken) headers['authorization'] = `Bearer ${options.apiToken}`;
  const response = await fetch(new URL('/api/messages', options.url), {
    method: 'POST',
    headers,
    body: JSON.stringify({ conversation: options.conversation, text }),
  });
  const out = options.output;
  if (!response.ok || response.body === null) {
    const problem = (await response.json().catch(() => undefined)) as
      | { error?: { message?: string } }
      | undefined;
    out.write(`${problem?.error?.message ?? `The box answered ${response.status}.`}\n`);
    return;
  }
  let streamed = '';
  for await (const part of readParts(response.body)) {
    if (part.type === 'status' && streamed === '') {
      out.write(dim(`${part.text}\n`));
    } else if (part.type === 'text-delta') {
      streamed += part.delta;
      out.write(part.delta);
    } else if (part.type === 'reply-end') {
      if (part.text.startsWith(streamed)) out.write(part.text.slice(streamed.length));
      else out.write(`\n${part.text}`);
      const meta = describeMeta(part.meta);
      out.write(meta ? `\n${dim(meta)}\n` : '\n');
    } else if (part.type === 'error') {
      out.write(`${streamed ? '\n' : ''}${part.message}\n`);
    } else if (part.type === 'approval-request') {
      out.write(`\nApproval needed: ${part.summary} (${part.choices.join(' / ')})\n`);
    }
  }
}

function describeMeta(meta: ReplyMeta): string {
  const parts: string[] = [];
  if (meta.model) parts.push(meta.model);
  if (meta.usage) parts.push(`${meta.usage.inputTokens} in / ${meta.usage.outputTokens} out tokens`);
  if (meta.timeToFirstTokenMs !== undefined) parts.push(`first token ${meta.timeToFirstTokenMs} ms`);
  if (meta.durationMs !== undefined) parts.push(`${(meta.durationMs / 1000).toFixed(1)} s`);
  return parts.join(' · ');
}

/** The interactive terminal chat: the same conversation as the web page, streamed line by line. */
export async function runTerminalChat(options: TerminalChatOptions): Promise<void> {
  const lines = createInterface({ input: options.input, output: options.output, terminal: false });
  options.output.write(
    dim(
      `Connected to ${options.url} — conversation "${options.conversation}". /help for commands, Ctrl+D to quit.\n`,
    ),
  );
  for await (const line of lines) {
    const text = line.trim();
    if (text === '') continue;
    if (text === '/quit' || text === '/exit') break;
    await askOnce(options, text);
  }
  lines.close();
}
