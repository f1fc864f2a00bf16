import { lookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { z } from 'zod';
import { ToolError } from '../errors';
import { defineTool, type Tool } from '../tool';
import { type FetchAllowList, isPrivateAddress, parseAllowList } from './address-check';

/** Caps of one `http_fetch`. */
export interface FetchLimits {
  /** The whole fetch, redirects included. */
  readonly timeoutMs: number;
  /** Body bytes read; the rest is cut. */
  readonly maxBytes: number;
  readonly maxRedirects: number;
}

/** Defaults: 15 s, 1 MiB, 5 redirects. */
export const DEFAULT_FETCH_LIMITS: FetchLimits = { timeoutMs: 15_000, maxBytes: 1_048_576, maxRedirects: 5 };

/** Settings of the `http_fetch` tool. */
export interface FetchSettings {
  /** `HTTP_FETCH_ALLOW` entries. */
  readonly allow: readonly string[];
  readonly limits?: Partial<FetchLimits>;
}

const input = z.object({
  url: z.string().url().max(8192).describe('An http or https URL.'),
  method: z.enum(['GET', 'POST']).default('GET'),
  body: z.string().max(1_048_576).optional().describe('The request body, for POST.'),
  contentType: z
    .string()
    .max(200)
    .optional()
    .describe('The Content-Type of the body; default application/json.'),
});
type FetchInput = z.infer<typeof input>;

/** Resolve the URL's host and pick the first address the rules allow; refuse when there is none. */
async function checkedAddress(url: URL, allow: FetchAllowList): Promise<{ address: string; family: number }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const addresses =
    isIP(host) !== 0
      ? [{ address: host, family: isIP(host) }]
      : await lookup(host, { all: true, verbatim: true }).catch(() => {
          throw new ToolError('host_not_found', `Cannot resolve ${host}.`);
        });
  const usable = addresses.find(
    ({ address }) => !isPrivateAddress(address) || allow.allows(host, port, address),
  );
  if (usable === undefined)
    throw new ToolError(
      'address_blocked',
      `${url.host} leads to a private, loopback or link-local address (${addresses.map((each) => each.address).join(', ')}); http_fetch does not go there unless HTTP_FETCH_ALLOW lists it.`,
    );
  return usable;
}

/** A `lookup` for the socket that answers with the address we checked, so DNS cannot change it in between. */
function pinnedLookup(address: string, family: number): LookupFunction {
  return (_host, options, callback) => {
    if ((options as { all?: boolean }).all)
      (callback as unknown as (error: null, addresses: { address: string; family: number }[]) => void)(null, [
        { address, family },
      ]);
    else callback(null, address, family);
  };
}

function request(
  url: URL,
  target: { address: string; family: number },
  call: FetchInput,
  signal: AbortSignal,
) {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<IncomingMessage>((resolve, reject) => {
    const outgoing = client.request(url, {
      method: call.method,
      lookup: pinnedLookup(target.address, target.family),
      signal,
      headers: {
        'user-agent': 'switchboard-http-fetch',
        accept: '*/*',
        ...(call.body === undefined ? {} : { 'content-type': call.contentType ?? 'application/json' }),
      },
    });
    outgoing.on('response', resolve);
    outgoing.on('error', reject);
    outgoing.end(call.body);
  });
}

async function readCapped(
  response: IncomingMessage,
  maxBytes: number,
): Promise<{ body: Buffer; total: number }> {
  const pieces: Buffer[] = [];
  let kept = 0;
  let total = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (kept < maxBytes) {
      const piece = chunk.subarray(0, maxBytes - kept);
      pieces.push(piece);
      kept += piece.length;
    }
    if (total > maxBytes) {
      response.destroy();
      break;
    }
  }
  return { body: Buffer.concat(pieces), total };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * `http_fetch` (read): GET or POST a URL and read the answer, within a time and size cap. The host is
 * resolved first and every address checked (and again on every redirect); the connection goes to the
 * address that was checked. Private, loopback and link-local targets are refused unless allowed.
 */
export function httpFetchTool(settings: FetchSettings): Tool<FetchInput> {
  const limits: FetchLimits = { ...DEFAULT_FETCH_LIMITS, ...settings.limits };
  const allow = parseAllowList(settings.allow);
  return defineTool({
    name: 'http_fetch',
    description: 'Fetch a web page or call a web API (GET or POST) and read the answer.',
    input,
    risk: 'read',
    summarize: (call) => `${call.method} ${call.url}`,
    async run(call, context) {
      const signal = AbortSignal.any([context.signal, AbortSignal.timeout(limits.timeoutMs)]);
      let url = new URL(call.url);
      let current: FetchInput = call;
      for (let hop = 0; ; hop += 1) {
        if (url.protocol !== 'http:' && url.protocol !== 'https:')
          throw new ToolError(
            'unsupported_scheme',
            `http_fetch reads http and https URLs only, not ${url.protocol}.`,
          );
        const target = await checkedAddress(url, allow);
        const response = await request(url, target, current, signal).catch((error: unknown) => {
          if (signal.aborted && !context.signal.aborted)
            throw new ToolError(
              'fetch_timeout',
              `${url.host} did not answer within ${limits.timeoutMs / 1000} s.`,
            );
          throw error;
        });
        const status = response.statusCode ?? 0;
        const location = response.headers.location;
        if (REDIRECTS.has(status) && location !== undefined) {
          response.resume();
          if (hop >= limits.maxRedirects)
            throw new ToolError('too_many_redirects', `More than ${limits.maxRedirects} redirects.`);
          url = new URL(location, url);
          if (status === 303 || ((status === 301 || status === 302) && current.method === 'POST'))
            current = { url: url.href, method: 'GET' };
          continue;
        }
        const { body, total } = await readCapped(response, limits.maxBytes);
        const type = response.headers['content-type'] ?? 'unknown';
        const textual = /^(text\/|application\/(json|xml|javascript|[\w.+-]*\+(json|xml)))/i.test(type);
        const shown = textual ? body.toString('utf8') : `[${total} bytes of ${type}, not shown]`;
        const cut = textual && total > limits.maxBytes ? `\n[cut at ${limits.maxBytes} bytes]` : '';
        return {
          text: `HTTP ${status} ${response.statusMessage ?? ''}\ncontent-type: ${type}\n\n${shown}${cut}`,
          isError: status >= 400,
        };
      }
    },
  });
}
