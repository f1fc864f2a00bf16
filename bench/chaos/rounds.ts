import { setTimeout as sleep } from 'node:timers/promises';
import type { BoxProcess } from './box-process';
import type { PlatformClient } from './clients/client';
import { type KillPhase, planKill } from './kill-plan';
import type { ChaosPlatform, DatabaseDriver } from './options';
import type { Random } from './random';
import { type ChaosRequest, planRequest } from './requests';

/** Requests of one round are sent within this many milliseconds of each other. */
const SEND_SPREAD_MS = 400;
/** After a restart the box runs this long (a random share of it) before the next round. */
const CALM_MS = { min: 1_000, max: 4_000 } as const;
/** The longest a restarted box may take to connect to a platform. */
const READY_TIMEOUT_MS = 30_000;

/** One kill, as planned and done. */
export interface KillRecord {
  readonly round: number;
  readonly phase: KillPhase;
  readonly delayMs: number;
  /** The platform of the request the kill was timed from. */
  readonly platform: ChaosPlatform;
  /** `Date.now()` when the signal was sent. */
  readonly at: number;
}

/** What the rounds need. */
export interface RoundsContext {
  readonly box: BoxProcess;
  readonly clients: ReadonlyMap<ChaosPlatform, PlatformClient>;
  readonly platforms: readonly ChaosPlatform[];
  readonly kills: number;
  readonly random: Random;
  /** Letters and digits that tell this run's markers apart. */
  readonly runId: string;
  readonly driver: DatabaseDriver;
  readonly log: (line: string) => void;
}

/** What the rounds did. */
export interface RoundsOutcome {
  readonly requests: readonly ChaosRequest[];
  readonly kills: readonly KillRecord[];
  /** Set when the box could not be started (again): the rounds stopped there. */
  readonly startFailure: string | undefined;
}

/** Start the box and wait until it is connected to every platform. */
async function startAndConnect(context: RoundsContext): Promise<void> {
  for (const client of context.clients.values()) client.beforeStart();
  await context.box.start();
  const signal = AbortSignal.timeout(READY_TIMEOUT_MS);
  await Promise.all([...context.clients.values()].map((client) => client.ready(signal)));
}

const seconds = (ms: number | undefined) => `${((ms ?? 0) / 1000).toFixed(1)} s`;

/**
 * Start the box, then play `kills + 1` rounds: each sends one request per platform (in a random order,
 * within 400 ms); every round but the last then SIGKILLs the box at a planned moment after one of its
 * requests, restarts it, and lets it run 1–4 s. Every random choice comes from `random`, in a fixed order,
 * so a seed replays the plan.
 */
export async function playRounds(context: RoundsContext): Promise<RoundsOutcome> {
  const requests: ChaosRequest[] = [];
  const kills: KillRecord[] = [];
  const clientOf = (request: ChaosRequest) => context.clients.get(request.platform) as PlatformClient;
  try {
    await startAndConnect(context);
    context.log(`  box up in ${seconds(context.box.startupMs[0])} (${context.driver})`);
    for (let round = 0; round <= context.kills; round += 1) {
      const planned = context.random
        .shuffle(context.platforms)
        .map((platform, offset) => planRequest(context.runId, requests.length + offset, platform, round));
      requests.push(...planned);
      const sendOffsets = planned.map(() => context.random.integer(0, SEND_SPREAD_MS));
      const sends = planned.map((request, index) =>
        sleep(sendOffsets[index]).then(() => clientOf(request).send(request)),
      );
      if (round === context.kills) {
        await Promise.all(sends);
        break;
      }
      const target = context.random.integer(0, planned.length - 1);
      const targetRequest = planned[target] as ChaosRequest;
      const plan = planKill(context.random, targetRequest.answer);
      await sleep((sendOffsets[target] ?? 0) + plan.delayMs);
      const at = Date.now();
      await context.box.kill();
      kills.push({ round, phase: plan.phase, delayMs: plan.delayMs, platform: targetRequest.platform, at });
      await Promise.all(sends);
      await startAndConnect(context);
      context.log(
        `  kill ${round + 1}/${context.kills}: ${plan.phase}, ${plan.delayMs} ms after a ${targetRequest.platform} request; back in ${seconds(context.box.startupMs.at(-1))}`,
      );
      await sleep(context.random.integer(CALM_MS.min, CALM_MS.max));
    }
    return { requests, kills, startFailure: undefined };
  } catch (error) {
    const startFailure = (error as Error).message;
    context.log(`  the box did not come back: ${startFailure.split('\n')[0]}`);
    return { requests, kills, startFailure };
  }
}
