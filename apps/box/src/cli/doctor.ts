import {
  type Config,
  ConfigError,
  loadConfig,
  type ModelProvider,
  SwitchboardError,
} from '@switchboard/core';
import { checkDatabase } from '@switchboard/memory';
import { checkSandbox, shellAvailability } from '@switchboard/tools';
import { createProviders } from '../providers';
import { describeModel, describeModelSource, describePlatform } from './banner';
import { askRunningBox, localBoxUrl } from './running-box';
import { checkWhatsApp } from './whatsapp-checks';

const ok = (label: string, detail: string) => console.log(`  ✓ ${label}: ${detail}`);
const bad = (label: string, detail: string) => console.log(`  ✗ ${label}: ${detail}`);
const warn = (label: string, detail: string) => console.log(`  ! ${label}: ${detail}`);

/** `switchboard doctor`: check everything and say what to fix. Exit code 1 when something is broken. */
export async function runDoctor(): Promise<number> {
  console.log('Switchboard doctor\n');
  let config: Config;
  try {
    config = loadConfig();
    ok('configuration', 'valid');
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    bad('configuration', `${error.issues.length} problem(s)`);
    for (const issue of error.issues) console.log(`      ${issue.variable}: ${issue.message}`);
    return 1;
  }
  let failures = 0;
  const database = await checkDatabase({
    dataDir: config.dataDir,
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
  });
  if (database.ok) ok('database', database.detail);
  else {
    bad('database', database.detail);
    failures += 1;
  }
  ok('local models from', describeModelSource(config));
  let providers: ModelProvider[] | undefined;
  try {
    providers = await createProviders(config);
  } catch (error) {
    if (!SwitchboardError.isInstance(error)) throw error;
    bad('local model', error.message);
    failures += 1;
  }
  if (providers?.length === 0)
    warn(
      'models',
      'none configured; the box answers with setup instructions. Set OPENAI_API_KEY (or OPENAI_BASE_URL).',
    );
  for (const provider of providers ?? []) {
    const result = await provider.check(AbortSignal.timeout(10_000));
    if (result.ok) ok(`provider ${provider.name}`, result.detail);
    else {
      bad(`provider ${provider.name}`, result.detail);
      failures += 1;
    }
    await provider.close?.();
  }
  const exposure = config.http.apiToken
    ? 'API token required'
    : 'this machine only (no SWITCHBOARD_API_TOKEN)';
  ok('web chat', `http://${config.http.host}:${config.http.port} — ${exposure}`);
  for (const line of await checkWhatsApp(config.platforms.whatsapp, config.dataDir)) {
    if (line.level === 'ok') ok(line.label, line.detail);
    else if (line.level === 'warn') warn(line.label, line.detail);
    else {
      bad(line.label, line.detail);
      failures += 1;
    }
  }
  if (!config.tools.enabled) console.log('  - tools: off (SWITCHBOARD_TOOLS=off)');
  else {
    const shell = shellAvailability(config.tools, await checkSandbox());
    if (shell.on && shell.mode === 'bwrap') ok('shell tool', shell.detail);
    else warn('shell tool', shell.detail);
  }
  failures += await checkRunningBox(config);
  if (config.access.owners.length === 0)
    warn('owner', 'SWITCHBOARD_OWNER is empty: only the web chat and terminal can command the box.');
  console.log(
    failures === 0 ? '\nAll checks passed.' : `\n${failures} check(s) failed: fix the lines marked ✗.`,
  );
  return failures === 0 ? 0 : 1;
}

/**
 * What the box running on this machine says about each platform and model (a platform's connection
 * only exists in the running box). Returns how many parts failed.
 */
async function checkRunningBox(config: Config): Promise<number> {
  const running = await askRunningBox(config);
  if (running === undefined) {
    const configured = (['telegram', 'slack', 'discord', 'whatsapp'] as const).filter(
      (platform) => config.platforms[platform] !== undefined,
    );
    const which =
      configured.length === 0 ? 'only the web chat is configured' : `configured: ${configured.join(', ')}`;
    warn(
      'platforms',
      `not checked: no box answers at ${localBoxUrl(config)} (${which}). Start it with \`switchboard start\`.`,
    );
    return 0;
  }
  console.log(`\n  The running box at ${running.url} is ${running.status}:`);
  let failures = 0;
  for (const platform of running.platforms) {
    const line = `platform ${platform.platform}`;
    if (platform.state === 'failed') {
      bad(line, describePlatform(platform));
      failures += 1;
    } else if (platform.state === 'retrying' || platform.state === 'connecting')
      warn(line, describePlatform(platform));
    else if (platform.state === 'disabled') console.log(`  - ${line}: ${describePlatform(platform)}`);
    else ok(line, describePlatform(platform));
  }
  for (const model of running.models) {
    const line = `model ${model.ref}`;
    if (model.state === 'failed') {
      bad(line, describeModel(model));
      failures += 1;
    } else if (model.state === 'ready') ok(line, describeModel(model));
    else warn(line, describeModel(model));
  }
  return failures;
}
