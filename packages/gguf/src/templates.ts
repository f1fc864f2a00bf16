/**
 * A plain ChatML chat template (`<|im_start|>role\n…<|im_end|>`), no tools. node-llama-cpp resolves
 * it to its `ChatMLChatWrapper`.
 */
export const CHATML_TEMPLATE = [
  '{%- for message in messages %}',
  "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}",
  '{%- endfor %}',
  '{%- if add_generation_prompt %}',
  "{{- '<|im_start|>assistant\\n' }}",
  '{%- endif %}',
].join('\n');

const TOOLS_PREAMBLE =
  '\\n\\n# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\n' +
  'You are provided with function signatures within <tools></tools> XML tags:\\n<tools>';
const TOOLS_FOOTER =
  '\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments ' +
  'within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{\\"name\\": <function-name>, ' +
  '\\"arguments\\": <args-json-object>}\\n</tool_call><|im_end|>\\n';

/**
 * A chat template with tool calling, rendering exactly what Qwen2.5-Instruct's template renders: a
 * `# Tools` section listing each tool as JSON inside `<tools>`, calls as
 * `<tool_call>\n{"name": …, "arguments": …}\n</tool_call>`, results as `<tool_response>` turns of the
 * user. On a `qwen2` model node-llama-cpp resolves it to its `QwenChatWrapper`, with function calling.
 */
export const QWEN_TOOLS_TEMPLATE = [
  '{%- set default_system = "You are a helpful assistant." %}',
  '{%- if tools %}',
  "{{- '<|im_start|>system\\n' }}",
  "{{- messages[0]['content'] if messages[0]['role'] == 'system' else default_system }}",
  `{{- "${TOOLS_PREAMBLE}" }}`,
  '{%- for tool in tools %}',
  '{{- "\\n" }}{{- tool | tojson }}',
  '{%- endfor %}',
  `{{- "${TOOLS_FOOTER}" }}`,
  "{%- elif messages[0]['role'] == 'system' %}",
  "{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}",
  '{%- else %}',
  "{{- '<|im_start|>system\\n' + default_system + '<|im_end|>\\n' }}",
  '{%- endif %}',
  '{%- for message in messages %}',
  '{%- if message.role == "user" or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}',
  "{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}",
  '{%- elif message.role == "assistant" %}',
  "{{- '<|im_start|>assistant' }}",
  "{%- if message.content %}{{- '\\n' + message.content }}{%- endif %}",
  '{%- for tool_call in message.tool_calls %}',
  '{%- if tool_call.function is defined %}{%- set tool_call = tool_call.function %}{%- endif %}',
  '{{- \'\\n<tool_call>\\n{"name": "\' + tool_call.name + \'", "arguments": \' }}',
  "{{- tool_call.arguments | tojson }}{{- '}\\n</tool_call>' }}",
  '{%- endfor %}',
  "{{- '<|im_end|>\\n' }}",
  '{%- elif message.role == "tool" %}',
  '{%- if loop.index0 == 0 or messages[loop.index0 - 1].role != "tool" %}{{- \'<|im_start|>user\' }}{%- endif %}',
  "{{- '\\n<tool_response>\\n' + message.content + '\\n</tool_response>' }}",
  '{%- if loop.last or messages[loop.index0 + 1].role != "tool" %}{{- \'<|im_end|>\\n\' }}{%- endif %}',
  '{%- endif %}',
  '{%- endfor %}',
  '{%- if add_generation_prompt %}',
  "{{- '<|im_start|>assistant\\n' }}",
  '{%- endif %}',
].join('\n');
