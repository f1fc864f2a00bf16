import { adapterContractSuite, type ContractConversation } from '@switchboard/chat/contract';
import type { ReplyPart, WebhookRoute } from '@switchboard/core';
import { createWebAdapter } from './adapter';
import { readParts } from './sse';

let nextConversation = 0;

/**
 * What the chat page shows for one turn's stream of reply parts (`page.ts`): the streamed text, replaced
 * by the final text, or the streamed text and then the error line.
 */
function pageText(parts: readonly ReplyPart[]): string {
  let streamed = '';
  for (const part of parts) {
    if (part.type === 'text-delta') streamed += part.delta;
    else if (part.type === 'reply-end') return part.text;
    else if (part.type === 'error') return `${streamed ? `${streamed}\n\n` : ''}⚠️ ${part.message}`;
  }
  return streamed;
}

/**
 * The web chat has no platform server to fake: the adapter is the server. The contract runs against its
 * real `POST /api/messages` route, read as a browser does (server-sent events), with the page's rendering.
 * It genuinely differs in three ways the suite allows for: one message of any length (no split), status
 * lines instead of a typing indicator, and no rate limit (a client that stops reading stands in for it).
 */
adapterContractSuite(
  'web',
  async () => {
    const adapter = createWebAdapter({ apiToken: undefined });
    await adapter.start(async () => ({ status: 'accepted' }), new AbortController().signal);
    const route = adapter.routes?.().find((candidate) => candidate.path === '/api/messages');
    if (route === undefined) throw new Error('the web adapter serves no /api/messages route');
    const messages: WebhookRoute = route;
    let holdMs = 0;
    return {
      adapter,
      async converse(): Promise<ContractConversation> {
        nextConversation += 1;
        const key = `contract-${nextConversation}-${Math.random().toString(36).slice(2)}`;
        const response = await messages.handle(
          new Request('http://127.0.0.1/api/messages', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': key },
            body: JSON.stringify({ conversation: `contract-${nextConversation}`, text: 'hello' }),
          }),
          { remoteAddress: '127.0.0.1' },
        );
        if (response.status !== 200 || response.body === null)
          throw new Error(`the web chat answered ${response.status}`);
        const body = response.body;
        const parts: ReplyPart[] = [];
        const read = (async () => {
          for await (const part of readParts(body)) {
            if (holdMs > 0) {
              const wait = holdMs;
              holdMs = 0;
              await new Promise((resolve) => setTimeout(resolve, wait));
            }
            parts.push(part);
          }
        })();
        return {
          address: { platform: 'web', data: { requestId: `web:${key}` } },
          shown: async () => {
            await read;
            return [pageText(parts)];
          },
          choices: () => parts.flatMap((part) => (part.type === 'approval-request' ? [...part.choices] : [])),
          typings: () => parts.filter((part) => part.type === 'status').length,
        };
      },
      rateLimitNextPost(retryAfterMs) {
        holdMs = retryAfterMs;
      },
      async close() {
        await adapter.stop();
      },
    };
  },
  { oneMessage: true, statusInsteadOfTyping: true },
);
