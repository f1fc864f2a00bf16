import { KILL_PHASES } from './kill-plan';
import type { ChaosOptions } from './options';
import type { ScenarioResult } from './scenario';
import type { PlatformRow } from './summary';

/** The columns of the table: header and how to read a row. */
const COLUMNS: readonly (readonly [string, (row: PlatformRow) => number])[] = [
  ['requests', (row) => row.requests],
  ['one final', (row) => row.oneFinal],
  ['duplicates', (row) => row.duplicates],
  ['no final', (row) => row.noFinal],
  ['gave up*', (row) => row.gaveUp],
  ['left partial', (row) => row.unfinishedMessages],
  ['re-runs', (row) => row.reruns],
  ['tasks open', (row) => row.openTasks],
  ['rows lost', (row) => row.rowsLost],
];

/** The sum of every platform's row. */
export function totalRow(rows: readonly PlatformRow[]): Omit<PlatformRow, 'platform'> {
  const sum = (pick: (row: PlatformRow) => number) => rows.reduce((total, row) => total + pick(row), 0);
  return {
    requests: sum((row) => row.requests),
    oneFinal: sum((row) => row.oneFinal),
    notices: sum((row) => row.notices),
    duplicates: sum((row) => row.duplicates),
    noFinal: sum((row) => row.noFinal),
    gaveUp: sum((row) => row.gaveUp),
    unfinishedMessages: sum((row) => row.unfinishedMessages),
    reruns: sum((row) => row.reruns),
    openTasks: sum((row) => row.openTasks),
    rowsLost: sum((row) => row.rowsLost),
  };
}

function table(rows: readonly PlatformRow[]): string[] {
  const width = 10;
  const header = `${'platform'.padEnd(10)}${COLUMNS.map(([name]) => name.padStart(Math.max(width, name.length + 2))).join('')}`;
  const line = (label: string, row: PlatformRow) =>
    `${label.padEnd(10)}${COLUMNS.map(([name, pick]) => String(pick(row)).padStart(Math.max(width, name.length + 2))).join('')}`;
  const total = { platform: 'web' as const, ...totalRow(rows) };
  return [header, ...rows.map((row) => line(row.platform, row)), line('all', total)];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** The report of one driver's run: the table, what explains it, and where things went wrong. */
export function formatScenario(result: ScenarioResult): string {
  const phases = KILL_PHASES.map(
    (phase) => `${phase} ${result.kills.filter((kill) => kill.phase === phase).length}`,
  ).join(', ');
  const lines = [
    `driver ${result.driver}: ${result.kills.length} kills (aimed at ${phases})`,
    ...table(result.rows),
  ];
  const notices = totalRow(result.rows).notices;
  if (notices > 0) lines.push(`(of "one final": ${notices} ended with a notice instead of the answer)`);
  const statuses = Object.entries(result.database.statuses)
    .map(([status, count]) => `${status} ${count}`)
    .join(', ');
  lines.push(
    result.database.error === undefined
      ? `tasks in the database: ${statuses || 'none'}`
      : `the database could not be read after the run: ${result.database.error}`,
  );
  for (const [platform, counts] of Object.entries(result.diagnostics)) {
    const figures = Object.entries(counts ?? {})
      .filter(([, count]) => count > 0)
      .map(([name, count]) => `${name} ${count}`)
      .join(', ');
    if (figures) lines.push(`${platform}: ${figures}`);
  }
  lines.push(
    `restarts: median ${seconds(median(result.startupMs))} to /healthz; settled: ${result.settled ? `yes, after ${seconds(result.settleMs)}` : `no (waited ${seconds(result.settleMs)})`}; SIGTERM at the end: ${result.stoppedCleanly ? 'exited' : 'had to be killed'}`,
  );
  if (result.startFailure !== undefined) {
    lines.push(`THE BOX DID NOT START AGAIN after kill ${result.kills.length}:`, result.startFailure);
  }
  if (result.workDir !== undefined) lines.push(`work folder kept: ${result.workDir}`);
  return lines.join('\n');
}

/** The legend under the tables. */
export const LEGEND = `one final: exactly one final reply (the whole answer with its end marker, or one finished notice).
duplicates: more than one. no final: the platform delivered (or still holds) the request, no final reply came.
gave up*: the platform gave up before the box acknowledged it — Discord: no answer to the interaction within
  3 s (the user reads "The application did not respond"); Slack: every retry failed. Not the box's loss.
left partial: bot messages that never reached an end (a placeholder, part of the answer, a Slack stream never
  stopped, a deferred Discord reply never filled). re-runs: model calls beyond the first for one request.
tasks open: tasks left running/queued. rows lost: answers the user saw whose task or messages are missing.`;

/** Whether a run meets the lifecycle's promise: one final reply each, nothing left open or lost. */
export function violations(result: ScenarioResult): string[] {
  const total = totalRow(result.rows);
  const found: string[] = [];
  if (result.startFailure !== undefined) found.push('the box did not start again after a kill');
  if (result.database.error !== undefined)
    found.push(`the database could not be read: ${result.database.error}`);
  if (total.duplicates > 0) found.push(`${total.duplicates} requests got more than one final reply`);
  if (total.noFinal > 0) found.push(`${total.noFinal} requests got no final reply`);
  if (total.unfinishedMessages > 0) found.push(`${total.unfinishedMessages} messages were left partial`);
  if (total.openTasks > 0) found.push(`${total.openTasks} tasks were left running or queued`);
  if (total.rowsLost > 0) found.push(`${total.rowsLost} answered requests lost their rows`);
  return found;
}

/** The header of a run: what it does and how to do it again. */
export function formatHeader(options: ChaosOptions, command: string): string {
  return [
    `chaos: ${options.kills} kills × platforms ${options.platforms.join(', ')} × ${options.drivers.join(' then ')}, seed ${options.seed}, box from its ${options.box}`,
    `reproduce: ${command}`,
  ].join('\n');
}
