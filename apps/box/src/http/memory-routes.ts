import { isAuthorized, WEB_OWNER } from '@switchboard/adapter-web';
import type { WebhookRoute } from '@switchboard/core';
import type { Store } from '@switchboard/memory';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
const problem = (status: number, code: string, message: string) => json(status, { error: { code, message } });

/** What the memory routes need: the store once it is open, the API token, the clock. */
export interface MemoryRouteOptions {
  readonly store: () => Store | undefined;
  readonly apiToken: string | undefined;
  readonly now?: () => number;
}

/**
 * The box's own memory routes:
 * - `GET /api/history?q=<words>[&limit=n]` (owner route, ADR 0021, same token rule as the web chat): the
 *   owner's turns on every linked platform that match, newest first, with model and cost.
 * - `GET /api/export/<token>` (the token from `/export` is the credential, valid 10 minutes): every row the
 *   box keeps about that person, as a JSON download.
 */
export function memoryRoutes(options: MemoryRouteOptions): WebhookRoute[] {
  const now = options.now ?? Date.now;
  const opened = () => options.store();
  return [
    {
      method: 'GET',
      path: '/api/history',
      caller: 'owner',
      async handle(request, context) {
        if (!isAuthorized(request, context.remoteAddress, options.apiToken))
          return problem(
            401,
            'unauthorized',
            'Send the API token as "Authorization: Bearer <SWITCHBOARD_API_TOKEN>".',
          );
        const store = opened();
        if (!store) return problem(503, 'starting', 'The box is still starting; try again in a moment.');
        const url = new URL(request.url);
        const words = url.searchParams.get('q')?.trim() ?? '';
        if (words.length === 0)
          return problem(400, 'missing_query', 'Say what to search for: /api/history?q=<words>.');
        const limit = Math.min(200, Math.max(1, Number(url.searchParams.get('limit') ?? 50) || 50));
        const personId = await store.personFor(`web:${WEB_OWNER}`);
        const hits = await store.searchHistory(personId, words, limit);
        return json(200, { query: words, results: hits });
      },
    },
    {
      method: 'GET',
      path: '/api/export/:token',
      caller: 'platform',
      async handle(request) {
        const store = opened();
        if (!store) return problem(503, 'starting', 'The box is still starting; try again in a moment.');
        const token = new URL(request.url).pathname.split('/').at(-1) ?? '';
        const personId = /^[\w-]{16,64}$/.test(token)
          ? await store.personOfExportLink(token, new Date(now()))
          : undefined;
        if (!personId)
          return problem(
            404,
            'export_expired',
            'This export link is unknown or expired; send /export again.',
          );
        const exported = await store.exportPerson(personId);
        return json(200, exported, {
          'content-disposition': 'attachment; filename="switchboard-export.json"',
        });
      },
    },
  ];
}
