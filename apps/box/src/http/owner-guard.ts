import { isIP } from 'node:net';

/**
 * The rules that keep web pages from commanding the box through the owner's browser (ADR 0021). They
 * apply to every route whose caller is `owner` (the web chat page and the owner API); platform webhooks
 * carry their own signatures and are left alone.
 *
 * 1. **Host** (every method). The `Host` header must be a loopback name (`localhost`, `127.0.0.1`,
 *    `[::1]`), any IP address, the name the box listens on (`HOST`), or one of
 *    `SWITCHBOARD_ALLOWED_HOSTS` (a reverse proxy's public name; with a port, only that port). DNS
 *    rebinding points an attacker's own name at this machine, so the browser sends that name: refused.
 *    An IP address cannot be rebound, so it needs no listing; the port does not matter for the same reason.
 * 2. **Origin** (POST, PUT, PATCH, DELETE). When present, it must be the origin the request was sent to
 *    (its host equal to the `Host` header; any scheme, so a TLS-terminating proxy works) or one of
 *    `SWITCHBOARD_ALLOWED_ORIGINS`. The browser's `null` origin (sandboxed frames, `file:` pages) is
 *    refused. A browser that says `Sec-Fetch-Site: cross-site` or `same-site` without an allowed
 *    origin is refused too. No Origin and no Sec-Fetch-Site: not a browser (curl, the terminal chat), allowed.
 * 3. **Content type** (POST, PUT, PATCH, DELETE). The body must be declared `application/json`. A browser
 *    can send `text/plain`, forms and multipart across sites without asking; JSON needs a CORS preflight
 *    that the box never grants. Refused with 415.
 *
 * Refusals are 403 (415 for the content type) with a JSON error saying what to configure.
 */
export interface OwnerGuardSettings {
  /** `HOST`: the address the box listens on. */
  readonly listenHost: string;
  /** `SWITCHBOARD_ALLOWED_HOSTS`, lower-case: `name` (any port) or `name:port`. */
  readonly allowedHosts: readonly string[];
  /** `SWITCHBOARD_ALLOWED_ORIGINS`, as `URL.origin` writes them. */
  readonly allowedOrigins: readonly string[];
}

/** Why a request was refused: the HTTP status and the JSON error to answer with. */
export interface Refusal {
  readonly status: 403 | 415;
  readonly code: 'forbidden_host' | 'forbidden_origin' | 'unsupported_media_type';
  readonly message: string;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/** The refusal for a request to an owner route, or undefined when it may go on to the route. */
export function checkOwnerRequest(request: Request, settings: OwnerGuardSettings): Refusal | undefined {
  const host = request.headers.get('host') ?? '';
  const authority = parseAuthority(host);
  if (authority === undefined || !isAllowedHost(authority, settings)) return hostRefusal(host);
  if (!STATE_CHANGING.has(request.method)) return undefined;
  const origin = request.headers.get('origin');
  const fetchSite = request.headers.get('sec-fetch-site');
  if (origin !== null || fetchSite === 'cross-site' || fetchSite === 'same-site') {
    if (!isAllowedOrigin(origin, authority, settings)) return originRefusal(origin);
  }
  if (!isJson(request.headers.get('content-type'))) {
    return {
      status: 415,
      code: 'unsupported_media_type',
      message: 'Send the body as JSON, with the header "Content-Type: application/json".',
    };
  }
  return undefined;
}

interface Authority {
  /** Lower-case host name, IPv6 in brackets. */
  readonly hostname: string;
  /** `hostname:port`, or `hostname` for the scheme's default port. */
  readonly host: string;
}

function parseAuthority(value: string): Authority | undefined {
  if (value === '' || /[\s/\\?#@]/.test(value)) return undefined;
  try {
    const url = new URL(`http://${value}`);
    return { hostname: url.hostname, host: url.host };
  } catch {
    return undefined;
  }
}

function isAllowedHost(authority: Authority, settings: OwnerGuardSettings): boolean {
  const { hostname, host } = authority;
  if (LOOPBACK_NAMES.has(hostname) || isIP(hostname.replace(/^\[|\]$/g, '')) !== 0) return true;
  const listen = parseAuthority(
    settings.listenHost.includes(':') ? `[${settings.listenHost}]` : settings.listenHost,
  );
  if (listen !== undefined && !WILDCARD_HOSTS.has(listen.hostname) && listen.hostname === hostname)
    return true;
  return settings.allowedHosts.some((allowed) => allowed === hostname || allowed === host);
}

function isAllowedOrigin(origin: string | null, authority: Authority, settings: OwnerGuardSettings): boolean {
  if (origin === null || origin === 'null' || !URL.canParse(origin)) return false;
  const url = new URL(origin);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return url.host === authority.host || settings.allowedOrigins.includes(url.origin);
}

function isJson(contentType: string | null): boolean {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}

function hostRefusal(host: string): Refusal {
  const shown = host === '' ? 'no Host header' : `the host name "${host.slice(0, 100)}"`;
  return {
    status: 403,
    code: 'forbidden_host',
    message: `This box does not answer to ${shown}. If you reach it through a reverse proxy under that name, add it to SWITCHBOARD_ALLOWED_HOSTS.`,
  };
}

function originRefusal(origin: string | null): Refusal {
  const from =
    origin === null
      ? 'a page on another site'
      : origin === 'null'
        ? 'a page without an origin'
        : origin.slice(0, 200);
  return {
    status: 403,
    code: 'forbidden_origin',
    message: `Requests from ${from} may not command this box. If that page is yours, add its origin to SWITCHBOARD_ALLOWED_ORIGINS.`,
  };
}
