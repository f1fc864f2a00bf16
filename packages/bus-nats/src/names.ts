import { createHash } from 'node:crypto';

/** Every name one bus uses on the server, derived from its prefix. */
export interface BusNames {
  /** The work queue of inbound events: one subject per ordering key under `inboundSubjects`. */
  readonly inboundStream: string;
  readonly inboundSubjects: string;
  /** The durable pull consumer every worker shares. */
  readonly workersConsumer: string;
  /** Reply parts, one subject per owner (gateway). */
  readonly repliesStream: string;
  readonly repliesSubjects: string;
  /** Control messages (core NATS, broadcast). */
  readonly controlSubject: string;
  /** The bucket that counts deliveries a worker handed back without running them. */
  readonly releasesBucket: string;
  inboundSubject(lane: string): string;
  laneDoneSubject(lane: string): string;
  repliesSubject(owner: string): string;
  repliesConsumer(owner: string): string;
}

/** The names of the bus with `prefix` (already validated: letters, digits, `_`, `-`). */
export function busNames(prefix: string): BusNames {
  return {
    inboundStream: `${prefix}_inbound`,
    inboundSubjects: `${prefix}.inbound.>`,
    workersConsumer: 'workers',
    repliesStream: `${prefix}_replies`,
    repliesSubjects: `${prefix}.replies.>`,
    controlSubject: `${prefix}.control`,
    releasesBucket: `${prefix}_releases`,
    inboundSubject: (lane) => `${prefix}.inbound.${lane}`,
    laneDoneSubject: (lane) => `${prefix}.lane-done.${lane}`,
    repliesSubject: (owner) => `${prefix}.replies.${ownerToken(owner)}`,
    repliesConsumer: (owner) => `replies-${ownerToken(owner)}`,
  };
}

/**
 * The subject token of an ordering key: a hash, since keys hold characters subjects cannot (dots,
 * spaces). 128 bits, so two keys sharing a lane is never seen in practice (and would only serialize them).
 */
export function laneToken(orderingKey: string): string {
  return createHash('sha256').update(orderingKey).digest('hex').slice(0, 32);
}

/** A readable, subject- and consumer-safe token for a gateway id, unique per id. */
export function ownerToken(owner: string): string {
  const readable = owner.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
  const hash = createHash('sha256').update(owner).digest('hex').slice(0, 10);
  return `${readable}-${hash}`;
}

/**
 * The `Nats-Msg-Id` of an event: its id when that is a plain header value (printable ASCII, no
 * spaces, not too long), else a hash of it, so an id with odd characters still deduplicates.
 */
export function messageId(eventId: string): string {
  if (/^[\x21-\x7e]{1,200}$/.test(eventId)) return eventId;
  return `sha256:${createHash('sha256').update(eventId).digest('hex')}`;
}

/** A key for the releases bucket (KV keys allow fewer characters than event ids hold). */
export function eventKey(eventId: string): string {
  return createHash('sha256').update(eventId).digest('hex').slice(0, 40);
}

/** The server list with any user name, password or token removed, for messages and logs. */
export function redactServers(url: string): string {
  return url
    .split(',')
    .map((server) => server.trim().replace(/^([a-z]+:\/\/)[^@/]*@/i, '$1'))
    .join(',');
}

/** `text` with every credential of `url` replaced, in case a library message repeats it. */
export function redactSecrets(text: string, url: string): string {
  let result = text;
  for (const server of url.split(',')) {
    const credentials = /^[a-z]+:\/\/([^@/]*)@/i.exec(server.trim())?.[1];
    if (credentials === undefined || credentials === '') continue;
    // `user:password` or a bare token; the user name alone is not a secret.
    const colon = credentials.indexOf(':');
    const secret = colon === -1 ? credentials : credentials.slice(colon + 1);
    for (const hidden of [credentials, secret]) {
      if (hidden.length > 0) result = result.split(hidden).join('***');
    }
  }
  return result;
}
