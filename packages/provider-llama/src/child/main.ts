/**
 * The model process: loads one GGUF model through node-llama-cpp and answers the box over Node IPC
 * (see `../protocol.ts`). Started by the parent with `UV_THREADPOOL_SIZE=2`; exits when the parent goes.
 */
import type { ChildMessage, ParentMessage } from '../protocol';
import { LlamaEngine } from './engine';

// node-llama-cpp tests its native binary in a subprocess forked with our flags; a TypeScript loader
// there (tsx, in development) only slows every start by a second or two.
process.execArgv.length = 0;

function emit(message: ChildMessage): void {
  if (process.connected) process.send?.(message);
}

let engine: Promise<LlamaEngine | undefined> | undefined;
const running = new Map<number, AbortController>();

function load(message: Extract<ParentMessage, { type: 'load' }>): void {
  if (engine !== undefined) return;
  engine = LlamaEngine.load(message.settings, emit).then(
    (loaded) => {
      emit({ type: 'ready', ...loaded.describe() });
      return loaded;
    },
    (error: unknown) => {
      emit({ type: 'load-failed', message: error instanceof Error ? error.message : String(error) });
      return undefined;
    },
  );
}

async function generate(message: Extract<ParentMessage, { type: 'generate' }>): Promise<void> {
  const controller = new AbortController();
  running.set(message.id, controller);
  try {
    const loaded = await engine;
    if (loaded === undefined) {
      emit({ type: 'failed', id: message.id, message: 'the model is not loaded' });
      return;
    }
    await loaded.generate(message.id, message.request, controller.signal, emit);
  } finally {
    running.delete(message.id);
  }
}

async function measure(message: Extract<ParentMessage, { type: 'measure' }>): Promise<void> {
  try {
    const loaded = await engine;
    if (loaded === undefined) throw new Error('the model is not loaded');
    if (message.what === 'count-tokens')
      emit({ type: 'measured', id: message.id, counts: loaded.countTokens(message.texts) });
    else emit({ type: 'measured', id: message.id, vectors: await loaded.embed(message.texts) });
  } catch (error) {
    emit({
      type: 'measure-failed',
      id: message.id,
      message: error instanceof Error ? error.message : String(error),
    });
  }
}

process.on('message', (message: ParentMessage) => {
  switch (message.type) {
    case 'ping':
      emit({ type: 'pong', seq: message.seq });
      break;
    case 'load':
      load(message);
      break;
    case 'generate':
      void generate(message);
      break;
    case 'abort':
      running.get(message.id)?.abort();
      break;
    case 'measure':
      void measure(message);
      break;
  }
});

// No orphans: when the box exits (even killed), the IPC channel closes and so does this process.
process.on('disconnect', () => process.exit(0));
emit({ type: 'hello' });
