// Wire driver for @openai/agents-realtime (npm): one application session per process, driven by the
// suite over stdin/stdout in JSON lines (conformance/implementations/agents_realtime_js/wire.py).
//
// The suite writes one command per line: {"id": n, "cmd": "connect", "url": ..., "settings": {...}},
// {"id": n, "cmd": "send_text", "text": ...}, {"id": n, "cmd": "interrupt"}, {"id": n, "cmd": "close"}. The driver answers each with {"id": n, "ok": true, ...} or
// {"id": n, "error": "..."}, and reports what the application sees as it happens:
// {"seen": {"kind": "audio", "bytes": 4800}}, "transcript", "function-call", "error", "log", "closed".
// The first line it writes is {"ready": true, "version": "..."}.
//
// It uses the package's public API as an application does: OpenAIRealtimeWebSocket.connect with an
// initial session config, sendMessage (which asks for a response), sendFunctionCallOutput with
// startResponse on a 'function_call' event, interrupt(), close(); and the 'audio',
// 'audio_transcript_delta', 'function_call', 'error' and 'disconnected' events. What the package logs
// through console.warn / console.error is reported as "log".
import { readFileSync } from 'node:fs';
import readline from 'node:readline';
import { OpenAIRealtimeWebSocket } from '@openai/agents-realtime';

const root = new URL('./node_modules/@openai/agents-realtime/', import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

const write = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
const saw = (kind, detail = {}) => write({ seen: { kind, ...detail } });
const text = (value) => (value instanceof Error ? `${value.name}: ${value.message}` : typeof value === 'string' ? value : JSON.stringify(value) ?? String(value));

for (const [method, level] of [['warn', 'WARNING'], ['error', 'ERROR']]) {
  console[method] = (...args) => saw('log', { level, message: args.map(text).join(' ').slice(0, 300) });
}

let transport = null;
let settings = { tools: [] };
let closed = false;

function sessionConfig(wanted) {
  const config = {};
  if (wanted.instructions !== null && wanted.instructions !== undefined) config.instructions = wanted.instructions;
  if (wanted.turn_detection === 'off') config.audio = { input: { turnDetection: null } };
  if (wanted.tools.length > 0) {
    config.tools = wanted.tools.map((tool) => ({ type: 'function', name: tool.name, description: tool.description, parameters: tool.parameters, strict: false }));
  }
  return config;
}

const commands = {
  async connect({ url, settings: wanted }) {
    settings = wanted;
    transport = new OpenAIRealtimeWebSocket({ url: `${url}/v1/realtime?model=gpt-realtime` });
    transport.on('audio', (event) => saw('audio', { bytes: event.data.byteLength }));
    transport.on('audio_transcript_delta', (event) => saw('transcript', { text: event.delta }));
    transport.on('error', (event) => saw('error', { message: text(event.error?.error?.message ?? event.error).slice(0, 300) }));
    transport.on('disconnected', () => saw('closed', { reason: 'the transport reported disconnected' }));
    transport.on('function_call', (call) => {
      saw('function-call', { call_id: call.callId, name: call.name, arguments: call.arguments });
      const tool = settings.tools.find((candidate) => candidate.name === call.name);
      const output = tool ? tool.output : JSON.stringify({ error: `no function named ${call.name}` });
      transport.sendFunctionCallOutput(call, output, true);
    });
    await transport.connect({ apiKey: 'test-key', model: 'gpt-realtime', url: `${url}/v1/realtime?model=gpt-realtime`, initialSessionConfig: sessionConfig(wanted) });
    return {};
  },
  async send_text({ text: said }) {
    transport.sendMessage(said, {});
    return {};
  },
  async interrupt() {
    transport.interrupt();
    return {};
  },
  async close() {
    if (transport !== null && !closed) {
      closed = true;
      transport.close();
    }
    return {};
  },
};

process.on('uncaughtException', (error) => {
  saw('error', { message: `uncaught: ${text(error)}`.slice(0, 300) });
});
process.on('unhandledRejection', (error) => {
  saw('error', { message: `unhandled rejection: ${text(error)}`.slice(0, 300) });
});

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  let request;
  try {
    request = JSON.parse(line);
  } catch (error) {
    write({ id: null, error: `not a JSON command: ${text(error)}` });
    return;
  }
  const run = commands[request.cmd];
  if (run === undefined) {
    write({ id: request.id, error: `unknown command ${JSON.stringify(request.cmd)}` });
    return;
  }
  try {
    write({ id: request.id, ok: true, ...(await run(request)) });
  } catch (error) {
    write({ id: request.id, error: text(error).slice(0, 500) });
  }
});
lines.on('close', () => {
  if (transport !== null && !closed) transport.close();
  setTimeout(() => process.exit(0), 200).unref();
});

write({ ready: true, version });
