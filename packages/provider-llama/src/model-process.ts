import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  type Deferred,
  deferred,
  type Logger,
  type ModelError,
  type ModelHealth,
  type ModelPart,
  raceAbort,
} from '@switchboard/core';
import { childExecArgv, LLAMA_CHILD_ENV, llamaChildEntry } from './child-entry';
import {
  closedError,
  crashedError,
  describeLoadFailure,
  generationError,
  loadFailedError,
  type StopCause,
} from './errors';
import { Generation } from './generation';
import type { ChildMessage, ChildSettings, GenerateRequest, ParentMessage } from './protocol';
import { Watchdog } from './watchdog';

/** Everything one model process needs. */
export interface ModelProcessSettings {
  /** `llama:<name>`, for messages and logs. */
  readonly ref: string;
  readonly child: ChildSettings;
  /** See `LlamaProviderOptions.hangTimeoutMs`. */
  readonly hangTimeoutMs: number;
  readonly logger: Logger | undefined;
  /**
   * The persistent thread pool library to preload into the process (`LD_PRELOAD`), resolved before the
   * first start; undefined: none. A process that dies while loading with it is started again without.
   */
  readonly threadpoolLibrary?: () => Promise<string | undefined>;
}

/** Set by the preloaded thread pool library inside the model process; never inherited from ours. */
const THREADPOOL_ENV = 'SWITCHBOARD_LLAMA_THREADPOOL';
/** The pool's polling level, read by the library; an operator's own value in our environment wins. */
const THREADPOOL_POLL_ENV = 'SWITCHBOARD_LLAMA_THREADPOOL_POLL';
/**
 * How long the pool's worker spins for the next token before it sleeps: llama.cpp's level 50 spins
 * ~140 ms after every answer, taking a core from the box; 5 (~14 ms) still covers the gap between two
 * tokens (docs/decisions/0019).
 */
const THREADPOOL_POLL = '5';

type State =
  | { readonly kind: 'idle' }
  | { readonly kind: 'loading'; readonly since: number }
  | { readonly kind: 'ready' }
  | { readonly kind: 'restarting' }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'closed' };

/** Restart delays after consecutive crashes: 0.5 s, 1 s, 2 s … at most 30 s. */
export function restartDelayMs(crashes: number): number {
  return Math.min(30_000, 500 * 2 ** Math.max(0, crashes - 1));
}

function toolCallId(): string {
  return `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

/** Crashes while loading, in a row, before the model is reported as failed instead of restarted again. */
const MAX_LOAD_CRASHES = 5;
/** How long an aborted answer may take to confirm before its stream ends anyway. */
const ABORT_GRACE_MS = 1500;
/** How long `close()` waits for the process to exit before killing it. */
const CLOSE_GRACE_MS = 3000;
/** Lines of the process's stderr kept for crash reports. */
const STDERR_LINES = 12;

/**
 * The child process that serves one model: starts it on first use, queues requests beyond `parallel`
 * (FIFO, with `queued` positions), routes its IPC messages to each request, restarts it after a crash
 * (with backoff) and kills it when the {@link Watchdog} sees it hang.
 */
export class ModelProcess {
  readonly #settings: ModelProcessSettings;
  readonly #waiting: Generation[] = [];
  readonly #active = new Map<number, Generation>();
  readonly #watchdog: Watchdog;
  #state: State = { kind: 'idle' };
  #child: ChildProcess | undefined;
  #loaded: Deferred<void> | undefined;
  #exited: Deferred<void> | undefined;
  #recovering = false;
  #crashes = 0;
  #stop: { cause: StopCause; detail: string } | undefined;
  #restartTimer: NodeJS.Timeout | undefined;
  #stderr: string[] = [];
  #nextId = 0;
  /** The library preloaded into the current process, if any. */
  #preloaded: string | undefined;
  /** A process died while loading with the library: never preload it again. */
  #preloadFailed = false;
  #threadpool = 0;
  /** Side requests waiting for their answer, by id. */
  readonly #measures = new Map<number, Deferred<{ counts?: number[]; vectors?: number[][] }>>();

  constructor(settings: ModelProcessSettings) {
    this.#settings = settings;
    this.#watchdog = new Watchdog({
      hangTimeoutMs: settings.hangTimeoutMs,
      ping: (seq) => this.#send({ type: 'ping', seq }),
      generations: () => this.#active.values(),
      onHang: (detail) => this.#kill('hung', detail),
    });
  }

  /** The process id while a model process runs (tests use it to kill and to check for orphans). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  health(): ModelHealth {
    switch (this.#state.kind) {
      case 'idle':
        return { available: true, detail: 'not loaded yet; loads on the first request' };
      case 'loading':
        return this.#recovering
          ? { available: false, detail: 'restarting after a crash' }
          : { available: true, detail: 'loading' };
      case 'ready':
        return { available: true, detail: 'ready' };
      case 'restarting':
        return { available: false, detail: 'restarting after a crash' };
      case 'failed':
        return { available: false, detail: `failed to load: ${this.#state.reason}` };
      case 'closed':
        return { available: false, detail: 'closed' };
    }
  }

  /**
   * Queue one answer. `sink` receives its parts, ending with exactly one `finish` or `error`. Returns a
   * function that stops it (the consumer went away); aborting `signal` does the same.
   */
  submit(request: GenerateRequest, signal: AbortSignal, sink: (part: ModelPart) => void): () => void {
    const onAbort = () => this.#abort(generation);
    this.#nextId += 1;
    const generation = new Generation(this.#nextId, request, (part) => {
      if (part.type === 'finish' || part.type === 'error') signal.removeEventListener('abort', onAbort);
      sink(part);
    });
    if (this.#state.kind === 'closed') {
      generation.fail(closedError(this.#settings.ref));
      return () => {};
    }
    if (signal.aborted) {
      generation.finish('abort');
      return () => {};
    }
    signal.addEventListener('abort', onAbort, { once: true });
    this.#waiting.push(generation);
    this.#pump();
    return onAbort;
  }

  /**
   * A side request to the model process (started and loaded if needed): token counts with the model's
   * tokenizer, or embeddings. Rejects when the model cannot load, the process dies or is closed.
   */
  async measure(
    what: 'count-tokens' | 'embed',
    texts: readonly string[],
  ): Promise<{ counts?: number[]; vectors?: number[][] }> {
    const problem = await this.load(new AbortController().signal);
    if (problem !== undefined) throw new Error(typeof problem === 'string' ? problem : problem.message);
    this.#nextId += 1;
    const id = this.#nextId;
    const answer = deferred<{ counts?: number[]; vectors?: number[][] }>();
    this.#measures.set(id, answer);
    this.#send({ type: 'measure', id, what, texts });
    try {
      return await answer.promise;
    } finally {
      this.#measures.delete(id);
    }
  }

  /** Threads of the persistent pool in the ready model process; 0: none (or not loaded yet). */
  get threadpoolThreads(): number {
    return this.#threadpool;
  }

  /** Start the process if needed and wait until the model is loaded; resolves to a load error, if any. */
  async load(signal: AbortSignal): Promise<ModelError | string | undefined> {
    const { kind } = this.#state;
    if (kind === 'ready') return undefined;
    if (kind === 'closed') return closedError(this.#settings.ref);
    if (kind === 'restarting') return 'restarting after a crash';
    if (kind === 'idle' || kind === 'failed') this.#start();
    try {
      await raceAbort(this.#loaded?.promise ?? Promise.resolve(), signal);
      return undefined;
    } catch (error) {
      if (signal.aborted) return 'the check was cancelled';
      return error as ModelError;
    }
  }

  /** End every request, then the process (SIGTERM, SIGKILL after 3 s). */
  async close(): Promise<void> {
    if (this.#state.kind === 'closed') return this.#exited?.promise;
    this.#state = { kind: 'closed' };
    clearTimeout(this.#restartTimer);
    this.#watchdog.stop();
    const error = closedError(this.#settings.ref);
    this.#loaded?.reject(error);
    for (const generation of [...this.#waiting, ...this.#active.values()]) generation.fail(error);
    this.#waiting.length = 0;
    this.#active.clear();
    const child = this.#child;
    const exited = this.#exited;
    if (child === undefined || exited === undefined) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), CLOSE_GRACE_MS);
    await exited.promise;
    clearTimeout(killer);
  }

  #start(): void {
    this.#loaded = deferred<void>();
    this.#loaded.promise.catch(() => {});
    const entry = llamaChildEntry();
    if (!existsSync(entry)) {
      const reason = `its model process program ${entry} is missing`;
      const advice = `Build llama-child.js beside the bundle, or set ${LLAMA_CHILD_ENV}.`;
      this.#fail(reason, loadFailedError(this.#settings.ref, this.#settings.child.modelPath, reason, advice));
      return;
    }
    this.#launch(entry);
  }

  /** Start the process (after resolving the library to preload); the caller has set up `#loaded`. */
  #launch(entry: string): void {
    this.#state = { kind: 'loading', since: Date.now() };
    this.#stop = undefined;
    this.#stderr = [];
    this.#threadpool = 0;
    const library = this.#preloadFailed ? undefined : this.#settings.threadpoolLibrary?.();
    if (library === undefined) {
      this.#spawn(entry, undefined);
      return;
    }
    const spawnIfStillWanted = (path: string | undefined) => {
      if (this.#state.kind === 'loading' && this.#child === undefined) this.#spawn(entry, path);
    };
    void library.then(spawnIfStillWanted, () => spawnIfStillWanted(undefined));
  }

  #spawn(entry: string, preload: string | undefined): void {
    this.#exited = deferred<void>();
    this.#preloaded = preload;
    const env: NodeJS.ProcessEnv = { ...process.env, UV_THREADPOOL_SIZE: '2' };
    delete env[THREADPOOL_ENV];
    if (preload !== undefined) {
      env['LD_PRELOAD'] = [preload, env['LD_PRELOAD']].filter(Boolean).join(':');
      env[THREADPOOL_POLL_ENV] ||= THREADPOOL_POLL;
    }
    const child = fork(entry, [], {
      execArgv: childExecArgv(entry),
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.#child = child;
    child.on('message', (message: ChildMessage) => {
      if (child === this.#child) this.#onMessage(message);
    });
    child.on('exit', (code, signal) => this.#onExit(child, code, signal));
    child.on('error', (error) => {
      this.#settings.logger?.warn({ model: this.#settings.ref, err: error }, 'local model process error');
      if (child.pid === undefined) this.#onExit(child, null, null);
    });
    child.stdout?.on('data', () => {});
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.#keepStderr(chunk));
    this.#watchdog.start();
    this.#settings.logger?.debug(
      { model: this.#settings.ref, pid: child.pid, entry, preload },
      'local model starting',
    );
  }

  #onMessage(message: ChildMessage): void {
    const log = this.#settings.logger;
    const ref = this.#settings.ref;
    if (message.type !== 'log') this.#watchdog.alive();
    switch (message.type) {
      case 'hello':
        this.#send({ type: 'load', settings: this.#settings.child });
        return;
      case 'pong':
        return;
      case 'measured':
        this.#measures.get(message.id)?.resolve({
          ...(message.counts ? { counts: message.counts } : {}),
          ...(message.vectors ? { vectors: message.vectors } : {}),
        });
        return;
      case 'measure-failed':
        this.#measures.get(message.id)?.reject(new Error(message.message));
        return;
      case 'ready': {
        const since = this.#state.kind === 'loading' ? this.#state.since : Date.now();
        this.#state = { kind: 'ready' };
        this.#recovering = false;
        this.#watchdog.loaded();
        this.#loaded?.resolve();
        const { chatWrapper, contextSize, gpu, threadpool } = message;
        this.#threadpool = threadpool;
        const loadMs = Date.now() - since;
        log?.info({ model: ref, chatWrapper, contextSize, gpu, threadpool, loadMs }, 'local model ready');
        this.#pump();
        return;
      }
      case 'load-failed': {
        const reason = describeLoadFailure(message.message);
        const error = loadFailedError(ref, this.#settings.child.modelPath, reason);
        log?.warn({ model: ref, reason: message.message }, 'local model failed to load');
        this.#fail(reason, error);
        return;
      }
      case 'log':
        log?.[message.level === 'error' ? 'warn' : 'debug']({ model: ref }, `llama.cpp: ${message.message}`);
        return;
      default:
        this.#onGenerationMessage(message);
    }
  }

  #onGenerationMessage(message: Extract<ChildMessage, { id: number }>): void {
    const generation = this.#active.get(message.id);
    if (generation === undefined) return;
    generation.touch();
    switch (message.type) {
      case 'delta':
        generation.producing = true;
        generation.chunks += message.chunks;
        generation.push({ type: 'text-delta', delta: message.text });
        return;
      case 'alive':
        generation.producing = true;
        return;
      case 'tool-call':
        generation.producing = true;
        generation.push({
          type: 'tool-call',
          call: { id: toolCallId(), name: message.name, arguments: message.arguments },
        });
        return;
      case 'finish':
        this.#active.delete(message.id);
        if (message.reason !== 'abort') this.#crashes = 0;
        generation.finish(message.reason, message.usage);
        this.#pump();
        return;
      case 'failed':
        this.#active.delete(message.id);
        generation.fail(
          generationError(this.#settings.ref, message.message, this.#settings.child.contextSize),
        );
        this.#pump();
        return;
    }
  }

  #onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.#child) return;
    this.#child = undefined;
    this.#watchdog.stop();
    this.#exited?.resolve();
    for (const waiting of this.#measures.values()) waiting.reject(new Error('the local model process ended'));
    this.#measures.clear();
    const { kind } = this.#state;
    if (kind === 'closed' || kind === 'failed') return;
    const how = signal === null ? `exit code ${code}` : `signal ${signal}`;
    const stop = this.#stop ?? { cause: 'crashed' as const, detail: how };
    const tail = this.#stderr.join('\n').trim();
    const detail = tail === '' ? `${stop.detail} (${how})` : `${stop.detail} (${how}): ${tail}`;
    const killed = signal === 'SIGKILL' || signal === 'SIGTERM' || this.#stop !== undefined;
    if (kind === 'loading' && this.#preloaded !== undefined && !killed) {
      // Our library, not the model, is the likely cause: load again at once without it; no one waits longer.
      this.#preloadFailed = true;
      this.#settings.logger?.warn(
        { model: this.#settings.ref, library: this.#preloaded, detail },
        'local model process stopped while loading with the persistent thread pool; starting it without',
      );
      this.#launch(llamaChildEntry());
      return;
    }
    const error = crashedError(this.#settings.ref, stop.cause, detail);
    this.#settings.logger?.warn({ model: this.#settings.ref, detail }, 'local model process stopped');
    for (const generation of [...this.#waiting, ...this.#active.values()]) generation.fail(error);
    this.#waiting.length = 0;
    this.#active.clear();
    this.#loaded?.reject(error);
    this.#crashes += 1;
    if (kind === 'loading' && this.#crashes >= MAX_LOAD_CRASHES) {
      this.#state = { kind: 'failed', reason: `the model process kept stopping while loading (${detail})` };
      return;
    }
    this.#state = { kind: 'restarting' };
    this.#recovering = true;
    this.#restartTimer = setTimeout(() => this.#start(), restartDelayMs(this.#crashes));
  }

  /** The model cannot load: fail everyone waiting, end the process, retry on the next request. */
  #fail(reason: string, error: ModelError): void {
    this.#state = { kind: 'failed', reason };
    this.#recovering = false;
    this.#watchdog.stop();
    this.#loaded?.reject(error);
    for (const generation of this.#waiting) generation.fail(error);
    this.#waiting.length = 0;
    this.#child?.kill('SIGKILL');
  }

  #kill(cause: StopCause, detail: string): void {
    if (this.#child === undefined || this.#stop !== undefined) return;
    this.#stop = { cause, detail };
    this.#settings.logger?.warn({ model: this.#settings.ref, detail }, 'local model hangs; killing it');
    this.#child.kill('SIGKILL');
  }

  #abort(generation: Generation): void {
    if (generation.ended) return;
    const index = this.#waiting.indexOf(generation);
    if (index >= 0) {
      this.#waiting.splice(index, 1);
      generation.finish('abort');
      this.#pump();
      return;
    }
    if (!this.#active.has(generation.id) || generation.abortRequested) return;
    generation.abortRequested = true;
    this.#send({ type: 'abort', id: generation.id });
    setTimeout(() => generation.aborted(), ABORT_GRACE_MS).unref();
  }

  /** Start the process when someone waits, hand free sequences to the first in line, update positions. */
  #pump(): void {
    const { kind } = this.#state;
    if (kind === 'closed') return;
    if (this.#waiting.length > 0 && (kind === 'idle' || kind === 'failed')) this.#start();
    const { parallel } = this.#settings.child;
    if (this.#state.kind === 'ready') {
      while (this.#active.size < parallel) {
        const next = this.#waiting.shift();
        if (next === undefined) break;
        this.#active.set(next.id, next);
        next.touch();
        this.#send({ type: 'generate', id: next.id, request: next.request });
      }
    }
    const free = parallel - this.#active.size;
    this.#waiting.forEach((generation, index) => {
      const position = Math.max(0, index + 1 - free);
      if (position > 0 && position !== generation.position) generation.push({ type: 'queued', position });
      generation.position = position;
    });
  }

  #send(message: ParentMessage): void {
    const child = this.#child;
    if (child?.connected) child.send(message, () => {});
  }

  #keepStderr(chunk: string): void {
    for (const line of chunk.split('\n')) {
      if (line.trim() === '') continue;
      this.#stderr.push(line.length > 300 ? `${line.slice(0, 299)}…` : line);
    }
    if (this.#stderr.length > STDERR_LINES) this.#stderr.splice(0, this.#stderr.length - STDERR_LINES);
  }
}
