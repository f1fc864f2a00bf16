/**
 * `pnpm bench:scale-chaos`: one gateway and three workers on real NATS and Postgres, a slow fake model,
 * 200 web requests over 40 conversations while workers are SIGKILLed at random (20 times) and restarted;
 * `--gateway-kills N` also kills the gateway mid-stream. Prints what users got: exactly one final reply per
 * request, order within each conversation, tasks left running. Exit 1 when any of those fails.
 * Needs DATABASE_URL and NATS_URL.
 */
import { parseArgs } from 'node:util';
import { runScaleChaos } from './scale-chaos/run';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '200' },
    conversations: { type: 'string', default: '40' },
    workers: { type: 'string', default: '3' },
    kills: { type: 'string', default: '20' },
    'gateway-kills': { type: 'string', default: '0' },
    'send-seconds': { type: 'string', default: '60' },
    'settle-seconds': { type: 'string', default: '90' },
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    keep: { type: 'boolean', default: false },
  },
});
const databaseUrl = process.env['DATABASE_URL'];
const natsUrl = process.env['NATS_URL'];
if (!databaseUrl || !natsUrl) {
  console.error('bench:scale-chaos needs DATABASE_URL (Postgres) and NATS_URL (NATS with JetStream).');
  process.exit(2);
}
const options = {
  requests: Number(values.requests),
  conversations: Number(values.conversations),
  workers: Number(values.workers),
  workerKills: Number(values.kills),
  gatewayKills: Number(values['gateway-kills']),
  sendOverMs: Number(values['send-seconds']) * 1000,
  settleMs: Number(values['settle-seconds']) * 1000,
  seed: Number(values.seed),
  databaseUrl,
  natsUrl,
  keep: values.keep,
};
console.log(
  `scale-out chaos, seed ${options.seed}: ${options.requests} requests over ${options.conversations} conversations, 1 gateway + ${options.workers} workers, ${options.workerKills} worker kills, ${options.gatewayKills} gateway kills`,
);
const result = await runScaleChaos(options, (line) => console.log(line));
console.log(`
requests                 ${result.requests}
exactly one final reply  ${result.oneFinal} (whole answers: ${result.wholeAnswers})
no final reply           ${result.noFinal}
duplicated finals        ${result.duplicates}
conversations out of order ${result.outOfOrder}
kills                    ${result.workerKills} workers, ${result.gatewayKills} gateway
tasks after the run      ${JSON.stringify(result.tasks)} (left running/queued: ${result.stuckTasks})${result.folder ? `\nlogs in ${result.folder}` : ''}`);
for (const failure of result.failures.slice(0, 20)) console.log(`  ${failure}`);
const ok =
  result.oneFinal === result.requests &&
  result.duplicates === 0 &&
  result.outOfOrder === 0 &&
  result.stuckTasks === 0;
process.exit(ok ? 0 : 1);
