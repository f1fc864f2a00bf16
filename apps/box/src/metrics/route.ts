import { isAuthorized } from '@switchboard/adapter-web';
import type { WebhookRoute } from '@switchboard/core';
import type { BoxMetrics } from './box-metrics';

/**
 * `GET /metrics` in the Prometheus text format, for the same callers as the web API: holders of
 * `SWITCHBOARD_API_TOKEN` as a bearer token (Prometheus `authorization: { credentials: … }`), or, without a
 * token, callers on this machine.
 */
export function metricsRoute(metrics: BoxMetrics, apiToken: string | undefined): WebhookRoute {
  return {
    method: 'GET',
    path: '/metrics',
    caller: 'owner',
    async handle(request, context) {
      if (!isAuthorized(request, context.remoteAddress, apiToken)) {
        return Response.json(
          {
            error: {
              code: 'unauthorized',
              message: 'Send the API token as a bearer token to read /metrics.',
            },
          },
          { status: 401 },
        );
      }
      const { body, contentType } = await metrics.scrape();
      return new Response(body, { headers: { 'content-type': contentType } });
    },
  };
}
