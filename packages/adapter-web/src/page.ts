import { MARKDOWN_SCRIPT } from './page-markdown';

/**
 * The web chat page: one conversation, streamed replies drawn as Markdown, the model and timings under
 * each answer. Model output is never parsed as HTML: the renderer ({@link MARKDOWN_SCRIPT}) builds the
 * elements and puts the model's text in as text nodes. It sends same-origin JSON (what the owner
 * guard admits); Send turns into Stop while an answer streams, and stopping closes the request, so
 * the box cancels the task — until the answer goes on in the background (ADR 0040): then the page lets
 * go of the request and is free for the next message, and the answer arrives in the same turn from the
 * conversation's event stream (`/cancel <id>` still stops it; ADR 0054). It shows the conversation's
 * earlier turns when it loads (`GET /api/conversations/{c}/messages`), then listens to its event stream
 * for answers no request of the page waits for (a schedule's runs) and shows each as a new answer.
 */
export function renderChatPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard</title>
<style>
  :root { color-scheme: light dark; --accent: #3b6ef5; --muted: #888; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.5 system-ui, sans-serif; display: flex; flex-direction: column; height: 100vh; }
  header { padding: .6rem 1rem; border-bottom: 1px solid #8884; display: flex; gap: 1rem; align-items: center; }
  header h1 { font-size: 1rem; margin: 0; }
  header small { color: var(--muted); }
  main { flex: 1; overflow-y: auto; padding: 1rem; display: flex; flex-direction: column; gap: .75rem; }
  .turn { max-width: 48rem; white-space: pre-wrap; word-wrap: break-word; padding: .6rem .8rem; border-radius: .6rem; }
  .user { align-self: flex-end; background: var(--accent); color: white; }
  .agent { align-self: flex-start; background: #8882; }
  .agent.error { border-left: 3px solid #d33; }
  .agent .body { white-space: normal; }
  .body > :first-child { margin-top: 0; }
  .body > :last-child { margin-bottom: 0; }
  .body p, .body ul, .body ol, .body pre, .body blockquote { margin: 0 0 .6rem; }
  .body h3, .body h4, .body h5, .body h6 { margin: .8rem 0 .4rem; font-size: 1rem; }
  .body h3 { font-size: 1.15rem; }
  .body ul, .body ol { padding-left: 1.4rem; }
  .body code { font: .9em ui-monospace, SFMono-Regular, Menlo, monospace; background: #8883; padding: .05em .3em; border-radius: .25em; }
  .body pre { background: #8882; padding: .6rem .7rem; border-radius: .4rem; overflow-x: auto; white-space: pre; }
  .body pre code { background: none; padding: 0; }
  .body blockquote { border-left: 3px solid #8886; padding-left: .7rem; color: var(--muted); }
  .body a { color: var(--accent); }
  .body hr { border: 0; border-top: 1px solid #8886; }
  .meta, .status { color: var(--muted); font-size: .8rem; margin-top: .3rem; white-space: normal; }
  form { display: flex; gap: .5rem; padding: .75rem 1rem; border-top: 1px solid #8884; }
  textarea { flex: 1; resize: none; font: inherit; padding: .5rem; border-radius: .4rem; border: 1px solid #8886; }
  button { font: inherit; padding: .5rem 1rem; border: 0; border-radius: .4rem; background: var(--accent); color: white; cursor: pointer; }
  button:disabled { opacity: .5; }
  .approval { margin-top: .5rem; display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; white-space: normal; }
  .approval div { flex-basis: 100%; }
</style>
</head>
<body>
<header><h1>Switchboard</h1><small id="conversation"></small></header>
<main id="log" aria-live="polite"></main>
<form id="form">
  <textarea id="text" rows="2" placeholder="Ask anything, or /help — Enter sends, Shift+Enter for a new line" autofocus></textarea>
  <button id="send" type="submit">Send</button>
</form>
<script>${MARKDOWN_SCRIPT}</script>
<script>
(() => {
  const conversation = new URLSearchParams(location.search).get('c') || 'default';
  document.getElementById('conversation').textContent = 'conversation: ' + conversation;
  const log = document.getElementById('log');
  const form = document.getElementById('form');
  const input = document.getElementById('text');
  const send = document.getElementById('send');
  const add = (cls, text) => {
    const div = document.createElement('div');
    div.className = 'turn ' + cls;
    const body = document.createElement('div');
    body.className = 'body';
    body.textContent = text;
    div.append(body);
    log.append(div);
    log.scrollTop = log.scrollHeight;
    return { div, body };
  };
  const note = (turn, cls, text) => {
    let el = turn.div.querySelector('.' + cls);
    if (!el) { el = document.createElement('div'); el.className = cls; turn.div.append(el); }
    el.textContent = text;
  };
  const describe = (meta) => [meta.model, meta.usage && (meta.usage.inputTokens + ' in / ' + meta.usage.outputTokens + ' out tokens'),
    meta.timeToFirstTokenMs != null && ('first token ' + meta.timeToFirstTokenMs + ' ms'), meta.durationMs != null && ((meta.durationMs / 1000).toFixed(1) + ' s')]
    .filter(Boolean).join(' · ');
  function approvalBox(turn, part, headers) {
    const box = document.createElement('div');
    box.className = 'approval';
    const summary = document.createElement('div');
    summary.textContent = 'Approval needed: ' + part.summary;
    box.append(summary);
    for (const choice of part.choices) {
      const button = document.createElement('button');
      button.type = 'button'; button.textContent = choice;
      button.addEventListener('click', async () => {
        for (const each of box.querySelectorAll('button')) each.disabled = true;
        const response = await fetch('/api/approvals/' + encodeURIComponent(part.approvalId), { method: 'POST', headers, body: JSON.stringify({ choice }) });
        const answer = await response.json().catch(() => ({}));
        summary.textContent = part.summary + ' — ' + (response.ok ? choice : (answer.error?.message ?? response.statusText));
      });
      box.append(button);
    }
    turn.div.append(box);
  }
  const authHeaders = () => {
    const headers = { 'content-type': 'application/json' };
    const token = localStorage.getItem('switchboard-token');
    if (token) headers.authorization = 'Bearer ' + token;
    return headers;
  };
  async function readEvents(response, onValue) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let cut;
      while ((cut = buffer.indexOf('\\n\\n')) !== -1) {
        const line = buffer.slice(0, cut).split('\\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5)).join('\\n');
        buffer = buffer.slice(cut + 2);
        if (line) onValue(JSON.parse(line));
      }
    }
  }
  function render(answer, part, headers) {
    const turn = answer.turn;
    if (part.type === 'status') note(turn, 'status', part.text);
    else if (part.type === 'text-delta') { answer.streamed += part.delta; renderMarkdown(turn.body, answer.streamed); }
    else if (part.type === 'reply-end') { renderMarkdown(turn.body, part.text); turn.div.querySelector('.status')?.remove(); note(turn, 'meta', describe(part.meta)); }
    else if (part.type === 'error') {
      turn.div.classList.add('error'); renderMarkdown(turn.body, answer.streamed);
      const warning = document.createElement('p'); warning.textContent = '⚠️ ' + part.message; turn.body.append(warning);
      turn.div.querySelector('.status')?.remove();
    }
    else if (part.type === 'approval-request') approvalBox(turn, part, headers);
    log.scrollTop = log.scrollHeight;
  }
  async function ask(text, answering) {
    add('user', text);
    const turn = add('agent', '');
    const headers = authHeaders();
    const response = await fetch('/api/messages', { method: 'POST', headers, body: JSON.stringify({ conversation, text }), signal: answering.signal });
    if (!response.ok) {
      const problem = await response.json().catch(() => ({ error: { message: response.statusText } }));
      if (response.status === 401) {
        const given = prompt('This box needs its API token (SWITCHBOARD_API_TOKEN):');
        if (given) { localStorage.setItem('switchboard-token', given); turn.div.remove(); return ask(text); }
      }
      turn.div.classList.add('error'); turn.body.textContent = problem.error.message; return;
    }
    const answer = { turn, streamed: '' };
    // A request that goes on in the background frees the page: its answer comes on the conversation's stream.
    const requestId = response.headers.get('x-request-id');
    const detached = new Error('in the background');
    try {
      await readEvents(response, (part) => {
        render(answer, part, headers);
        if (part.type === 'status' && part.background && requestId) { pushed.set(requestId, answer); throw detached; }
      });
    } catch (error) {
      if (error !== detached) throw error;
      answering.abort();
    }
  }
  // Answers no request of this page waits for (a schedule's runs) arrive on the conversation's event stream.
  const pushed = new Map();
  async function listen() {
    for (let wait = 1000; ; wait = Math.min(wait * 2, 30000)) {
      try {
        const headers = authHeaders();
        const response = await fetch('/api/conversations/' + encodeURIComponent(conversation) + '/events', { headers });
        if (response.ok) {
          wait = 1000;
          await readEvents(response, ({ requestId, part }) => {
            let answer = pushed.get(requestId);
            if (!answer) { answer = { turn: add('agent pushed', ''), streamed: '' }; pushed.set(requestId, answer); }
            render(answer, part, headers);
            if (part.type === 'reply-end' || part.type === 'error') pushed.delete(requestId);
          });
        }
      } catch {}
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
  // What this conversation said before (a reload, another tab), above anything typed meanwhile.
  async function showEarlier() {
    try {
      const response = await fetch('/api/conversations/' + encodeURIComponent(conversation) + '/messages?limit=50', { headers: authHeaders() });
      if (!response.ok) return;
      const { messages } = await response.json();
      const earlier = messages.map((message) => {
        if (message.role === 'user') return add('user earlier', message.text).div;
        const turn = add('agent earlier', '');
        renderMarkdown(turn.body, message.text);
        return turn.div;
      });
      log.prepend(...earlier);
      log.scrollTop = log.scrollHeight;
    } catch {}
  }
  showEarlier().finally(listen);
  let answering;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (answering) { answering.abort(); return; }
    const text = input.value.trim();
    if (!text) return;
    input.value = ''; answering = new AbortController(); send.textContent = 'Stop';
    try { await ask(text, answering); } catch (error) {
      if (answering.signal.aborted) add('agent status', '(stopped)');
      else add('agent error', 'The box did not answer: ' + error.message);
    }
    finally { answering = undefined; send.textContent = 'Send'; input.focus(); }
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
})();
</script>
</body>
</html>`;
}
