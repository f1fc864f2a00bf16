import type { ChaosOptions } from './options';
import { runScenario, type ScenarioResult } from './scenario';

/** Run the scenario on every driver of `options`, one after the other. */
export async function runChaos(
  options: ChaosOptions,
  log: (line: string) => void = () => {},
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const driver of options.drivers) {
    log(`${driver}:`);
    results.push(await runScenario(options, driver, log));
  }
  return results;
}
