import type { FakeOpenAI } from '../../packages/testkit/src/fake-openai/index';
import type { PlatformClient } from './clients/client';
import type { DatabaseAudit } from './database-audit';
import { modelCallsFor } from './fakes';
import type { ChaosPlatform } from './options';
import { type PlatformTally, tallyPlatform, type Verdict, verdictOf } from './outcomes';
import type { ChaosRequest } from './requests';
import type { KillRecord } from './rounds';

/** One platform's figures, the database's included. */
export interface PlatformRow extends PlatformTally {
  /** Tasks left `running` or `queued`. */
  readonly openTasks: number;
  /** Requests whose whole answer the user saw but whose rows are missing. */
  readonly rowsLost: number;
}

/** How one request ended, with what its user saw, line by line. */
export interface RequestReport {
  readonly marker: string;
  readonly platform: ChaosPlatform;
  readonly round: number;
  /** How long after it was sent its round's kill came (negative: sent while the box was down). */
  readonly killedAfterMs: number | undefined;
  readonly verdict: Verdict;
  readonly modelCalls: number;
  readonly transcript: readonly string[];
}

/** What every user saw, per platform and per request. */
export interface Summary {
  readonly rows: readonly PlatformRow[];
  readonly requests: readonly RequestReport[];
}

/** Tally every request as its user saw it, with the model's calls and the database's audit. */
export function summarize(
  platforms: readonly ChaosPlatform[],
  requests: readonly ChaosRequest[],
  kills: readonly KillRecord[],
  clientOf: (request: ChaosRequest) => PlatformClient,
  openai: FakeOpenAI,
  audit: DatabaseAudit,
): Summary {
  const rows = platforms.map((platform): PlatformRow => {
    const tally = tallyPlatform(
      platform,
      requests
        .filter((request) => request.platform === platform)
        .map((request) => ({
          observation: clientOf(request).observe(request),
          modelCalls: modelCallsFor(openai, request.marker),
        })),
    );
    return { ...tally, openTasks: audit.openTasks[platform] ?? 0, rowsLost: audit.rowsLost[platform] ?? 0 };
  });
  const killedAfter = (request: ChaosRequest) => {
    const kill = kills.find((candidate) => candidate.round === request.round);
    return kill === undefined || request.sentAt === undefined ? undefined : kill.at - request.sentAt;
  };
  const reports = requests.map(
    (request): RequestReport => ({
      marker: request.marker,
      platform: request.platform,
      round: request.round,
      killedAfterMs: killedAfter(request),
      verdict: verdictOf(clientOf(request).observe(request)),
      modelCalls: modelCallsFor(openai, request.marker),
      transcript: clientOf(request).transcript(request),
    }),
  );
  return { rows, requests: reports };
}
