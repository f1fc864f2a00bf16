import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '@switchboard/core';
import type { BoxReport, ModelReport, PlatformReport } from '../status/report';

/** A platform's state in words: `connected`, `retrying because …`, `disabled (…)`. */
export function describePlatform(platform: PlatformReport): string {
  switch (platform.state) {
    case 'retrying': {
      const attempts = platform.attempts ?? 0;
      const tries = attempts > 1 ? ` (${attempts} attempts so far)` : '';
      return `retrying because ${platform.reason ?? 'the platform is not reachable'}${tries}`;
    }
    case 'failed':
      return `failed because ${platform.reason ?? 'the platform refused the box'}`;
    case 'disabled':
      return `disabled (${platform.reason ?? 'not configured'})`;
    default:
      return platform.state;
  }
}

/** A model's state in words: `ready`, `loading`, `failed because …`. */
export function describeModel(model: ModelReport): string {
  const reason = model.reason === undefined ? '' : ` because ${model.reason}`;
  return model.state === 'failed' || model.state === 'restarting' ? `${model.state}${reason}` : model.state;
}

/** Where local models come from: LLAMA_MODEL_PATH, or the models folder (and whether it exists). */
export function describeModelSource(config: Config): string {
  const llama = config.models.llama;
  if (llama.modelPath !== undefined) return `LLAMA_MODEL_PATH=${llama.modelPath}`;
  const folder = resolve(llama.modelsDir);
  const found = existsSync(folder) ? '' : ' (missing: create it)';
  return `${folder}${found}, the first *.gguf file there (or set LLAMA_MODEL_PATH)`;
}

function columns(rows: readonly (readonly string[])[], indent: string): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows.map(
    (row) =>
      `${indent}${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ')}`,
  );
}

/** The label of a model row: `cloud`, `local, default`, `local, demo`. */
function modelLabel(model: ModelReport): string {
  return [model.locality, model.isDefault ? 'default' : '', model.demo ? 'demo: random weights' : '']
    .filter((part) => part !== '')
    .join(', ');
}

/** What `switchboard start` prints once the box runs: where it is, every model and every platform with its state. */
export function formatBanner(input: {
  readonly url: string;
  readonly config: Config;
  readonly report: BoxReport;
  readonly database: string;
}): string {
  const { report, config } = input;
  const { role } = config.deployment;
  const models =
    role === 'gateway'
      ? ['    none here: the workers run the models']
      : report.models.length === 0
        ? ['    none: put a .gguf file in the models folder, or set OPENAI_API_KEY or ANTHROPIC_API_KEY']
        : columns(
            report.models.map((model) => [model.ref, modelLabel(model), describeModel(model)]),
            '    ',
          );
  const platforms =
    role === 'worker'
      ? ['    none here: the gateway holds the platform connections']
      : columns(
          report.platforms.map((platform) => [platform.platform, describePlatform(platform)]),
          '    ',
        );
  const headline =
    report.status === 'degraded'
      ? 'Switchboard is running, degraded: a platform or model below needs attention.'
      : 'Switchboard is running.';
  const address =
    role === 'worker'
      ? `  health:    ${input.url}/healthz and ${input.url}/metrics (a worker serves no chat)`
      : `  web chat:  ${input.url}`;
  const modelSource = role === 'gateway' ? [] : [`  local models from: ${describeModelSource(config)}`];
  return [
    '',
    headline,
    address,
    `  database:  ${input.database}`,
    ...deploymentLines(config),
    ...modelSource,
    '  models:',
    ...models,
    '  platforms:',
    ...platforms,
    `Press Ctrl+C to stop (answers being written get up to ${config.shutdownGraceMs / 1000} s to finish).`,
    '',
  ].join('\n');
}

/** The role and bus, shown once the box is more than one process (NATS_URL set or a role chosen). */
function deploymentLines(config: Config): string[] {
  const { role, natsUrl, natsPrefix } = config.deployment;
  if (role === 'all' && natsUrl === undefined) return [];
  const roles = {
    all: 'all (platforms and agents)',
    gateway: 'gateway (platforms, HTTP, delivery)',
    worker: 'worker (agents, models, tools)',
  };
  const bus = natsUrl === undefined ? 'in-memory' : `NATS JetStream (prefix ${natsPrefix})`;
  return [`  role:      ${roles[role]}`, `  bus:       ${bus}`];
}

/** One line per part whose state changed since `before` (for the console after the banner). */
export function stateChanges(before: BoxReport, after: BoxReport): string[] {
  const lines: string[] = [];
  for (const platform of after.platforms) {
    const previous = before.platforms.find((candidate) => candidate.platform === platform.platform);
    if (previous?.state !== platform.state)
      lines.push(`  ${platform.platform}: ${describePlatform(platform)}`);
  }
  for (const model of after.models) {
    const previous = before.models.find((candidate) => candidate.ref === model.ref);
    if (previous?.state !== model.state) lines.push(`  ${model.ref}: ${describeModel(model)}`);
  }
  return lines;
}
