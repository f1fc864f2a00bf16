import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@switchboard/core';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');

describe('the models folder of a fresh clone', () => {
  it('exists with a README, where the default LLAMA_MODELS_DIR points', () => {
    expect(loadConfig({ env: {}, file: false }).models.llama.modelsDir).toBe('./models');
    expect(existsSync(`${root}models/README.md`)).toBe(true);
    expect(read('models/README.md')).toContain('first `*.gguf` file in this folder');
  });

  it('never lets git commit a model file, but keeps the README', () => {
    const check = (path: string) =>
      spawnSync('git', ['check-ignore', '--no-index', '-q', path], { cwd: root }).status;
    expect(check('models/qwen2.5-0.5b-instruct-q8_0.gguf')).toBe(0);
    expect(check('models/weights.bin')).toBe(0);
    expect(check('models/README.md')).toBe(1);
    expect(check('models/.gitignore')).toBe(1);
  });

  it('is mounted read-only by Docker Compose and kept out of the image', () => {
    expect(read('docker-compose.yml')).toContain('- ./models:/app/models:ro');
    expect(read('.dockerignore').split('\n')).toContain('models');
    expect(read('Dockerfile')).toContain('mkdir -p /app/models');
    const grace = Number(/stop_grace_period: (\d+)s/.exec(read('docker-compose.yml'))?.[1]);
    expect(grace).toBeGreaterThan(loadConfig({ env: {}, file: false }).shutdownGraceMs / 1000);
  });
});
