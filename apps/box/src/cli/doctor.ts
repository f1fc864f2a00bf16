import { type Config, ConfigError, loadConfig } from '@switchboard/core';
import { checkDatabase } from '@switchboard/memory';
import { createProviders } from '../providers';

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
  const providers = await createProviders(config);
  if (providers.length === 0)
    warn(
      'models',
      'none configured; the box answers with setup instructions. Set OPENAI_API_KEY (or OPENAI_BASE_URL).',
    );
  for (const provider of providers) {
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
  if (config.access.owners.length === 0)
    warn('owner', 'SWITCHBOARD_OWNER is empty: only the web chat and terminal can command the box.');
  console.log(
    failures === 0 ? '\nAll checks passed.' : `\n${failures} check(s) failed: fix the lines marked ✗.`,
  );
  return failures === 0 ? 0 : 1;
}
