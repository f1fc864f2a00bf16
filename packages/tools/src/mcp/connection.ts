import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Logger, McpServerSettings } from '@switchboard/core';
import type { ListedTool } from './definition';
import { type Redactor, secretRedactor } from './redact';

/** What a call of a server's tool answered, as text for the model (secrets redacted). */
export interface McpCallResult {
  readonly text: string;
  readonly isError: boolean;
}

/** How long connecting (the MCP handshake) and listing may take. */
const HANDSHAKE_MS = 15_000;

/** The text of one content item of a tool result; non-text items are named, not inlined. */
function contentText(item: { readonly type: string; readonly [key: string]: unknown }): string {
  if (item.type === 'text' && typeof item['text'] === 'string') return item['text'];
  if (item.type === 'resource_link' && typeof item['uri'] === 'string') return `[resource: ${item['uri']}]`;
  return `[${item.type} content]`;
}

/**
 * One connected MCP server: the SDK's client over stdio (a child process with only the safe default
 * environment plus the configured `env`) or streamable HTTP (with the configured headers). Everything
 * the server says is passed through a redactor of the configuration's secret values first.
 */
export class McpConnection {
  readonly #client: Client;
  readonly #redact: Redactor;
  readonly #log: Logger;
  #tools: readonly ListedTool[] = [];

  private constructor(
    readonly server: McpServerSettings,
    client: Client,
    redact: Redactor,
    log: Logger,
  ) {
    this.#client = client;
    this.#redact = redact;
    this.#log = log;
  }

  /** Start or reach the server, shake hands and list its tools. Rejects (redacted) when it cannot. */
  static async open(server: McpServerSettings, logger: Logger): Promise<McpConnection> {
    const secrets = server.transport === 'stdio' ? Object.values(server.env) : Object.values(server.headers);
    const redact = secretRedactor(secrets);
    const log = logger.child({ mcpServer: server.name });
    const transport = createTransport(server, redact, log);
    const client = new Client({ name: 'switchboard', version: '0.1.0' });
    const connection = new McpConnection(server, client, redact, log);
    try {
      await client.connect(transport, { timeout: HANDSHAKE_MS });
      client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
        await connection.refresh().catch((error: unknown) => {
          log.warn({ reason: connection.describe(error) }, 'could not re-list the MCP server tools');
        });
      });
      await connection.refresh();
    } catch (error) {
      await client.close().catch(() => {});
      throw new Error(`MCP server "${server.name}": ${connection.describe(error)}`);
    }
    return connection;
  }

  /** The tools as last listed. */
  get tools(): readonly ListedTool[] {
    return this.#tools;
  }

  /** Ask the server for its tools now (every page). */
  async refresh(): Promise<readonly ListedTool[]> {
    const listed: ListedTool[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.#client.listTools(cursor === undefined ? {} : { cursor }, {
        timeout: HANDSHAKE_MS,
      });
      for (const tool of page.tools)
        listed.push({ name: tool.name, description: tool.description, inputSchema: tool.inputSchema });
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    this.#tools = listed;
    return listed;
  }

  /** Call one tool; a failure (the server's or the connection's) is a result with `isError`. */
  async call(name: string, args: Record<string, unknown>, signal: AbortSignal): Promise<McpCallResult> {
    try {
      const result = await this.#client.callTool({ name, arguments: args }, undefined, {
        signal,
        timeout: 10 * 60_000,
      });
      const content = Array.isArray(result.content) ? result.content : [];
      const text = content.map(contentText).join('\n');
      const structured =
        text === '' && result.structuredContent !== undefined ? JSON.stringify(result.structuredContent) : '';
      return { text: this.#redact(text || structured), isError: result.isError === true };
    } catch (error) {
      if (signal.aborted) throw error;
      return { text: `the MCP server failed: ${this.describe(error)}`, isError: true };
    }
  }

  /** An error's message with the configuration's secrets redacted. */
  describe(error: unknown): string {
    return this.#redact(error instanceof Error ? error.message : String(error));
  }

  async close(): Promise<void> {
    await this.#client.close().catch((error: unknown) => {
      this.#log.warn({ reason: this.describe(error) }, 'closing the MCP server failed');
    });
  }
}

function createTransport(server: McpServerSettings, redact: Redactor, log: Logger): Transport {
  if (server.transport === 'http')
    return new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: { headers: { ...server.headers } },
    });
  const transport = new StdioClientTransport({
    command: server.command,
    args: [...server.args],
    env: { ...server.env },
    ...(server.cwd === undefined ? {} : { cwd: server.cwd }),
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n'))
      if (line.trim() !== '') log.debug({ line: redact(line).slice(0, 500) }, 'MCP server stderr');
  });
  return transport;
}
