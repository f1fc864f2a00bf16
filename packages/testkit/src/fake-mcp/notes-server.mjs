#!/usr/bin/env node
// A tiny MCP server over stdio for tests, built with the SDK's own server. It offers one tool,
// `add_note`, that appends a line to the file named by NOTES_FILE. Its description is read from the
// file named by NOTES_DESCRIPTION_FILE on every tools/list, so a test can change it under the box.
// It prints NOTES_TOKEN (a secret) on stderr and in its answers, so a test can check it is redacted.
import { appendFileSync, readFileSync } from 'node:fs';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const notesFile = process.env.NOTES_FILE;
const descriptionFile = process.env.NOTES_DESCRIPTION_FILE;
const token = process.env.NOTES_TOKEN ?? '';

const server = new Server({ name: 'notes', version: '1.0.0' }, { capabilities: { tools: {} } });

server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: [
    {
      name: 'add_note',
      description: descriptionFile ? readFileSync(descriptionFile, 'utf8').trim() : 'Add a note.',
      inputSchema: {
        type: 'object',
        properties: { text: { type: 'string', description: 'The note.' } },
        required: ['text'],
      },
    },
  ],
}));

server.setRequestHandler(CallToolRequestSchema, async (request) => {
  if (request.params.name !== 'add_note')
    return { content: [{ type: 'text', text: `no tool ${request.params.name}` }], isError: true };
  const text = String(request.params.arguments?.text ?? '');
  if (notesFile) appendFileSync(notesFile, `${text}\n`);
  return { content: [{ type: 'text', text: `noted "${text}" (signed with ${token})` }] };
});

process.stderr.write(`notes server starting with token ${token}\n`);
await server.connect(new StdioServerTransport());
