import { Client, GatewayIntentBits, RESTEvents } from 'discord.js';
import type { IdentifyBackoff } from './backoff';
import type { RateLimitPacer } from './pacer';

/** Route prefixes whose rate limits reject at once instead of waiting inside discord.js. */
const REJECT_ON_RATE_LIMIT = ['/webhooks', '/channels', '/interactions'];

/**
 * A discord.js client for a Switchboard bot: only the non-privileged intents for mentions and DMs
 * (plus Message Content when asked), no Guilds intent (nothing waits for GUILD_CREATE), REST pointed
 * at `apiUrl`. Message routes reject on rate limits so a stream can coalesce edits instead of
 * blocking; the pacer learns every response's rate-limit headers.
 */
export function createClient(options: {
  readonly apiUrl: string;
  readonly messageContent: boolean;
  readonly backoff: IdentifyBackoff;
  readonly pacer: RateLimitPacer;
  readonly restTimeoutMs: number;
}): Client {
  const intents = [GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages];
  if (options.messageContent) intents.push(GatewayIntentBits.MessageContent);
  const client = new Client({
    intents,
    allowedMentions: { parse: [] },
    rest: {
      api: options.apiUrl,
      timeout: options.restTimeoutMs,
      retries: 2,
      rejectOnRateLimit: (data) => REJECT_ON_RATE_LIMIT.some((prefix) => data.route.startsWith(prefix)),
    },
    ws: { buildIdentifyThrottler: () => options.backoff },
  });
  client.rest.on(RESTEvents.Response, (request, response) => {
    options.pacer.observe(request.method, request.path, response.headers);
    const body = (response as { body?: { cancel?: () => Promise<void> } | null }).body;
    body?.cancel?.().catch(() => {});
  });
  return client;
}
