import { createServer, type Server as HttpServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { createLogger } from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMcpServers, type McpTools } from './servers';

const SECRET = 'Bearer http-mcp-secret-0123456789';

/** A streamable HTTP MCP server (the SDK's, stateless) with one tool that repeats what it got. */
function mcpServer(seen: IncomingMessage[]): HttpServer {
  return createServer(async (request, response) => {
    seen.push(request);
    const server = new Server({ name: 'echo', version: '1.0.0' }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: [
        {
          name: 'Echo-Text',
          description: 'Repeat a text.',
          inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
        },
      ],
    }));
    server.setRequestHandler(CallToolRequestSchema, async (call) => ({
      content: [
        {
          type: 'text',
          text: `echo ${String(call.params.arguments?.['text'])} with ${request.headers.authorization}`,
        },
      ],
    }));
    const transport = new StreamableHTTPServerTransport({
      enableJsonResponse: true,
    });
    response.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(request, response);
  });
}

describe('MCP servers over streamable HTTP', () => {
  const seen: IncomingMessage[] = [];
  const lines: string[] = [];
  let http: HttpServer;
  let mcp: McpTools;

  beforeAll(async () => {
    http = mcpServer(seen);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    const logger = createLogger({ level: 'debug', destination: { write: (line) => lines.push(line) } });
    mcp = await connectMcpServers(
      [
        {
          name: 'web',
          transport: 'http',
          url: `http://127.0.0.1:${port}/mcp`,
          headers: { authorization: SECRET },
          risk: 'read',
        },
        {
          name: 'gone',
          transport: 'http',
          url: 'http://127.0.0.1:9/mcp',
          headers: { authorization: SECRET },
          risk: 'write',
        },
      ],
      logger,
    );
  });
  afterAll(async () => {
    await mcp?.close();
    await new Promise((resolve) => http?.close(resolve));
  });

  it('registers the tools as mcp_<server>_<tool> with their schema and risk, and calls them with the headers', async () => {
    expect(mcp.tools.map((tool) => tool.name)).toEqual(['mcp_web_echo_text']);
    const [tool] = mcp.tools;
    expect(tool?.risk).toBe('read');
    expect(tool?.parameters).toMatchObject({ required: ['text'] });
    expect(tool?.input.safeParse({ text: 'hi' }).success).toBe(true);
    expect(tool?.input.safeParse({ text: 3 }).success).toBe(false);
    const output = await tool?.run(
      { text: 'hi' },
      { signal: AbortSignal.timeout(5000), workspace: '/nowhere', taskId: 't', step: 1 },
    );
    expect(output).toEqual({ text: 'echo hi with [redacted]', isError: false });
    expect(seen.every((request) => request.headers.authorization === SECRET)).toBe(true);
    expect((await tool?.external?.current())?.description).toBe('Repeat a text.');
  });

  it('leaves out a server it cannot reach, and never logs its secrets', () => {
    expect(mcp.servers).toEqual([
      { name: 'web', tools: 1 },
      { name: 'gone', tools: 0, error: expect.stringContaining('MCP server "gone"') },
    ]);
    expect(lines.join('')).toContain('MCP server unavailable');
    expect(lines.join('')).not.toContain('http-mcp-secret');
  });
});
