import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { listen, readJson } from '../http';
import type { FakeModelServer, ModelsFailure, RecordedRequest } from './types';

/** One request as the API-specific part of a fake sees it, recorded already. */
export interface ScriptedRequest {
  readonly incoming: IncomingMessage;
  readonly response: ServerResponse;
  readonly record: RecordedRequest;
  /** `METHOD /path` without a trailing slash, such as `POST /v1/messages`. */
  readonly route: string;
  /** True when the body was not JSON. */
  readonly unreadable: boolean;
  /** Aborts when the connection closes. */
  readonly signal: AbortSignal;
}

/** The queues of a fake: the next behaviour for an answer, the next failure for the models list. */
export interface Script<TBehaviour> {
  /** The behaviour for `record`: the newest rule that answers it, else the queue, else the default. */
  nextBehaviour(record: RecordedRequest): TBehaviour;
  nextModelsFailure(): ModelsFailure | undefined;
}

/** What makes a fake model server speak one API. */
export interface ScriptedServerOptions<TBehaviour> {
  readonly defaultBehaviour: TBehaviour;
  /** The base URL the SDK wants, from `http://127.0.0.1:PORT`. */
  readonly baseUrl: (origin: string) => string;
  readonly handle: (request: ScriptedRequest, script: Script<TBehaviour>) => void | Promise<void>;
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/**
 * Start a fake model server on 127.0.0.1: it records every request (and how it ended), keeps the queues
 * of behaviours, and hands each request to the API-specific `handle`.
 */
export async function startScriptedServer<TBehaviour>(
  options: ScriptedServerOptions<TBehaviour>,
): Promise<FakeModelServer<TBehaviour>> {
  let defaultBehaviour = options.defaultBehaviour;
  const queue: TBehaviour[] = [];
  const rules: ((request: RecordedRequest) => TBehaviour | undefined)[] = [];
  const modelsQueue: ModelsFailure[] = [];
  const requests: RecordedRequest[] = [];
  let closing = false;
  const script: Script<TBehaviour> = {
    nextBehaviour: (record) => {
      for (const rule of rules) {
        const behaviour = rule(record);
        if (behaviour !== undefined) return behaviour;
      }
      return queue.shift() ?? defaultBehaviour;
    },
    nextModelsFailure: () => modelsQueue.shift(),
  };

  async function handle(incoming: IncomingMessage, response: ServerResponse) {
    const path = new URL(incoming.url ?? '/', 'http://127.0.0.1').pathname;
    let body: unknown;
    let unreadable = false;
    try {
      body = await readJson(incoming);
    } catch {
      unreadable = true;
    }
    const record: RecordedRequest = {
      method: incoming.method ?? 'GET',
      path,
      headers: flattenHeaders(incoming.headers),
      body,
      at: Date.now(),
      outcome: 'pending',
    };
    requests.push(record);
    const controller = new AbortController();
    response.on('close', () => {
      record.endedAt = Date.now();
      controller.abort();
      if (record.outcome !== 'pending') return;
      record.outcome = response.writableFinished ? 'completed' : closing ? 'server-closed' : 'client-closed';
    });
    const route = `${record.method} ${path.replace(/\/+$/, '')}`;
    await options.handle(
      { incoming, response, record, route, unreadable, signal: controller.signal },
      script,
    );
  }

  const server = await listen(handle);
  return {
    url: options.baseUrl(server.url),
    enqueue: (...behaviours) => {
      queue.push(...behaviours);
    },
    respond: (rule) => {
      rules.unshift(rule);
    },
    enqueueModels: (...failures) => {
      modelsQueue.push(...failures);
    },
    setDefault: (behaviour) => {
      defaultBehaviour = behaviour;
    },
    requests,
    get requestCount() {
      return requests.length;
    },
    reset: () => {
      requests.length = 0;
      queue.length = 0;
      modelsQueue.length = 0;
      rules.length = 0;
    },
    close: () => {
      closing = true;
      return server.close();
    },
  };
}
