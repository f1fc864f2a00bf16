import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startFakeOpenAI } from '../../packages/testkit/src/fake-openai/index';
import { cpuSecondsByName } from './cpu';
import { inParallel } from './parallel';
import { runLoad } from './throughput';

/**
 * The least CPU one command can cost on this machine with the parts a command needs, each measured alone
 * with nothing of Switchboard between them: what any box built from these parts pays before its own code.
 * Milliseconds of CPU per command, this process and the servers it talks to together.
 */
export interface CommandFloor {
  /** The load's HTTP client (`runLoad`) and a bare `node:http` server streaming three SSE events. */
  readonly webExchange: number;
  /** One streamed chat completion: the OpenAI client and the fake model answering "pong". */
  readonly modelCall: number;
  /** A task's three writes (record, claim, ending) in Postgres, 64 commands per statement: client and server. */
  readonly postgres: number;
  /** One JetStream hop each way (event in, reply out): publish with its ack, pull, ack; client and nats-server. */
  readonly nats: number;
}

const fromPackage = (name: string) =>
  createRequire(fileURLToPath(new URL(`../../packages/${name}/package.json`, import.meta.url)));

/** CPU milliseconds per command of this process plus the named server processes while `work` runs. */
async function cpuOf(
  commands: number,
  servers: readonly string[],
  work: () => Promise<void>,
): Promise<number> {
  const external = async () => {
    let total = 0;
    for (const name of servers) total += await cpuSecondsByName(name);
    return total;
  };
  const usageBefore = process.cpuUsage();
  const externalBefore = await external();
  await work();
  const usage = process.cpuUsage(usageBefore);
  const externalSeconds = (await external()) - externalBefore;
  return ((usage.user + usage.system) / 1000 + externalSeconds * 1000) / commands;
}

function bareSseServer(): Promise<Server> {
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { conversation } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { conversation: string };
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      response.write(`data: {"type":"accepted","conversation":${JSON.stringify(conversation)}}\n\n`);
      response.write('data: {"type":"reply-part","text":"pong"}\n\n');
      response.end('data: {"type":"reply-end","text":"pong"}\n\n');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function webExchange(commands: number, concurrency: number): Promise<number> {
  const server = await bareSseServer();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const load = (total: number) => runLoad(url, 'floor', { total, concurrency, conversations: 200 });
  await load(200);
  const cost = await cpuOf(commands, [], async () => {
    await load(commands);
  });
  await new Promise((resolve) => server.close(resolve));
  return cost;
}

interface StreamingClient {
  chat: {
    completions: {
      create(body: object): Promise<AsyncIterable<unknown>>;
    };
  };
}

async function modelCall(commands: number, concurrency: number): Promise<number> {
  const fake = await startFakeOpenAI({ defaultBehaviour: { type: 'text', text: 'pong', chunkSize: 16 } });
  const { OpenAI } = fromPackage('provider-openai')('openai') as {
    OpenAI: new (options: { baseURL: string; apiKey: string }) => StreamingClient;
  };
  const client = new OpenAI({ baseURL: fake.url, apiKey: 'sk-floor' });
  const call = async () => {
    const stream = await client.chat.completions.create({
      model: 'fake-model',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'ping' }],
    });
    for await (const _chunk of stream);
  };
  await inParallel(200, concurrency, call);
  const cost = await cpuOf(commands, [], () => inParallel(commands, concurrency, call));
  await fake.close();
  return cost;
}

interface PgPool {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  end(): Promise<void>;
}

async function postgres(databaseUrl: string, commands: number, concurrency: number): Promise<number> {
  const { Pool } = fromPackage('memory')('pg') as {
    Pool: new (options: { connectionString: string; max: number }) => PgPool;
  };
  const pool = new Pool({ connectionString: databaseUrl, max: 4 });
  const table = `floor_tasks_${Date.now().toString(36)}`;
  await pool.query(
    `create table ${table} (id text primary key, conversation text not null, status text not null, reply text, created_at timestamptz not null default now())`,
  );
  const batch = async (ids: string[]) => {
    await pool.query(
      `insert into ${table} (id, conversation, status) select id, 'c-' || id, 'queued' from unnest($1::text[]) as id`,
      [ids],
    );
    await pool.query(
      `update ${table} set status = 'running' where id = any($1::text[]) and status = 'queued' returning id, conversation`,
      [ids],
    );
    await pool.query(`update ${table} set status = 'succeeded', reply = 'pong' where id = any($1::text[])`, [
      ids,
    ]);
  };
  const batches = (prefix: string, total: number) =>
    inParallel(Math.ceil(total / concurrency), 4, (index) =>
      batch(Array.from({ length: concurrency }, (_, item) => `${prefix}-${index}-${item}`)),
    );
  await batches('warm', 640);
  const cost = await cpuOf(commands, ['postgres'], () => batches('run', commands));
  await pool.query(`drop table ${table}`);
  await pool.end();
  return cost;
}

/** The few NATS client calls the floor makes (the bench loads the clients from the bus package). */
interface NatsClients {
  connect(options: { servers: string; noAsyncTraces: boolean }): Promise<{ close(): Promise<void> }>;
  jetstream(nc: unknown): {
    publish(subject: string, payload: string): Promise<unknown>;
    consumers: {
      get(
        stream: string,
        name: string,
      ): Promise<{
        consume(options: {
          max_messages: number;
        }): Promise<AsyncIterable<{ subject: string; ack(): void }> & { stop(): void }>;
      }>;
    };
  };
  jetstreamManager(nc: unknown): Promise<{
    streams: { add(config: object): Promise<unknown>; delete(name: string): Promise<unknown> };
    consumers: { add(stream: string, config: object): Promise<unknown> };
  }>;
}

async function nats(natsUrl: string, commands: number, concurrency: number): Promise<number> {
  const load = fromPackage('bus-nats');
  const { connect, jetstream, jetstreamManager } = {
    ...load('@nats-io/transport-node'),
    ...load('@nats-io/jetstream'),
  } as NatsClients;
  const nc = await connect({ servers: natsUrl, noAsyncTraces: true });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const run = `floor_${Date.now().toString(36)}`;
  for (const side of ['in', 'out']) {
    await jsm.streams.add({ name: `${run}_${side}`, subjects: [`${run}.${side}.>`], retention: 'workqueue' });
    await jsm.consumers.add(`${run}_${side}`, {
      durable_name: 'floor',
      ack_policy: 'explicit',
      max_ack_pending: 1024,
    });
  }
  let received = 0;
  let target = 0;
  let done: () => void = () => {};
  const consume = async (side: string, onMessage: (subject: string) => Promise<void>) => {
    const messages = await (await js.consumers.get(`${run}_${side}`, 'floor')).consume({ max_messages: 256 });
    void (async () => {
      for await (const message of messages) {
        message.ack();
        await onMessage(message.subject);
      }
    })();
    return messages;
  };
  const inbound = await consume('in', async (subject) => {
    await js.publish(subject.replace('.in.', '.out.'), 'pong');
  });
  const outbound = await consume('out', async () => {
    received += 1;
    if (received === target) done();
  });
  const round = async (total: number) => {
    received = 0;
    target = total;
    const all = new Promise<void>((resolve) => (done = resolve));
    await inParallel(total, concurrency, async (index) => {
      await js.publish(`${run}.in.c${index % 200}`, 'ping');
    });
    await all;
  };
  await round(200);
  const cost = await cpuOf(commands, ['nats-server'], () => round(commands));
  inbound.stop();
  outbound.stop();
  for (const side of ['in', 'out']) await jsm.streams.delete(`${run}_${side}`);
  await nc.close();
  return cost;
}

/** Measure each part of a command's floor, `commands` times, `concurrency` at a time. */
export async function commandFloor(
  databaseUrl: string,
  natsUrl: string,
  commands: number,
  concurrency: number,
): Promise<CommandFloor> {
  return {
    webExchange: await webExchange(commands, concurrency),
    modelCall: await modelCall(commands, concurrency),
    postgres: await postgres(databaseUrl, commands, concurrency),
    nats: await nats(natsUrl, commands, concurrency),
  };
}
