import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { loadConfig } from './load';

const load = (MCP_SERVERS: string) => loadConfig({ env: { MCP_SERVERS }, file: false });

function problems(value: string): string {
  try {
    load(value);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a configuration error');
}

describe('MCP_SERVERS', () => {
  it('reads inline JSON: stdio and streamable HTTP servers with their defaults', () => {
    const config = load(
      JSON.stringify({
        files: { command: 'node', args: ['server.js'], env: { TOKEN: 'abc' } },
        remote: { url: 'https://example.com/mcp', headers: { authorization: 'Bearer x' }, risk: 'read' },
      }),
    );
    expect(config.tools.mcpServers).toEqual([
      {
        name: 'files',
        transport: 'stdio',
        command: 'node',
        args: ['server.js'],
        env: { TOKEN: 'abc' },
        risk: 'write',
      },
      {
        name: 'remote',
        transport: 'http',
        url: 'https://example.com/mcp',
        headers: { authorization: 'Bearer x' },
        risk: 'read',
      },
    ]);
    expect(loadConfig({ env: {}, file: false }).tools.mcpServers).toEqual([]);
  });

  it('reads a JSON file, also in the { "mcpServers": … } shape other clients write', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'mcp-config-'));
    const file = path.join(folder, 'mcp.json');
    await writeFile(file, JSON.stringify({ mcpServers: { notes: { command: 'notes-server' } } }));
    expect(load(file).tools.mcpServers).toEqual([
      { name: 'notes', transport: 'stdio', command: 'notes-server', args: [], env: {}, risk: 'write' },
    ]);
  });

  it('names the problem without repeating the JSON, which may hold secrets', () => {
    expect(problems('{"files": {"command": "x", "env": {"TOKEN": "s3cret"}')).toMatch(/not valid JSON/);
    expect(problems('{"files": {"command": "x", "env": {"TOKEN": "s3cret"}')).not.toContain('s3cret');
    expect(problems('{"Files": {"command": "x"}}')).toMatch(/server "Files": names are lowercase/);
    expect(problems('{"files": {"command": "x", "enviroment": {}}}')).toMatch(/unknown setting enviroment/);
    expect(problems('{"web": {"url": "ftp://s3cret@host"}}')).toMatch(
      /server "web" at url: expected an http/,
    );
    expect(problems('{"web": {"url": "ftp://s3cret@host"}}')).not.toContain('s3cret');
    expect(problems('/nowhere/mcp.json')).toMatch(/no file at \/nowhere\/mcp.json/);
  });
});
