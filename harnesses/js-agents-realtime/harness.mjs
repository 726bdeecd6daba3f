// Harness for @openai/agents-realtime (npm), the OpenAI Agents SDK's realtime transport layer: the
// parse part and the wire part of the harness protocol in one program.
//
// Receiving: every transport (WebSocket, WebRTC, SIP) hands each server message to
// OpenAIRealtimeBase._onMessage (dist/openaiRealtimeBase.mjs:106), which calls parseRealtimeEvent
// (dist/openaiRealtimeEvents.mjs:535-558): JSON.parse, then the zod union realtimeServerEventSchema,
// else the loose genericEventSchema (:468-473). A payload that is not an object with a string type
// (and a string or null event_id) is dropped (openaiRealtimeBase.mjs:108-110). Every other one is
// emitted raw, a structured clone of the JSON, to '*' listeners (:112); one that failed the strict
// union gets nothing more (:113-115), one that passed it is emitted typed, as the object zod gave
// (:116-131). So: a strict parse is `accepted` as zod's object, which is what the typed listeners
// receive and what `dump` returns; a loose one is `untyped`, dumped as the raw JSON the '*'
// listeners get; the rest is `ignored`, never an error.
//
// Sending: OpenAIRealtimeWebSocket.sendEvent is the package's send path (JSON.stringify of the
// event, response.create through its ResponseCreateSequencer); the harness drives it on a
// connected transport whose socket only records what is sent.
//
// On the wire: the package's public API as an application uses it — OpenAIRealtimeWebSocket.connect
// with an initial session config, sendMessage (which asks for a response), sendAudio,
// sendFunctionCallOutput with startResponse on a 'function_call' event, interrupt(), close(); and
// the 'audio', 'audio_transcript_delta', 'function_call', 'error', 'disconnected' and '*' events.
//
// The event schemas are not in the package's exports map: they are imported from the dist file by
// URL, which is why the version is pinned exactly (package.json, package-lock.json).
import { readFileSync } from 'node:fs';
import { OpenAIRealtimeWebSocket } from '@openai/agents-realtime';
import { serve } from '@realtime-conformance/harness';

const root = new URL('./node_modules/@openai/agents-realtime/', import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const events = await import(new URL('dist/openaiRealtimeEvents.mjs', root).href);

function issues(error) {
  return error.issues
    .slice(0, 3)
    .map((issue) => `$${issue.path.map((step) => (typeof step === 'number' ? `[${step}]` : `.${String(step)}`)).join('')}: ${issue.message}`)
    .join('; ');
}

function parseServer(text) {
  const { data, raw, isGeneric } = events.parseRealtimeEvent({ data: text });
  if (data === null) {
    return { outcome: 'ignored', detail: 'not an object with a string type: _onMessage drops it' };
  }
  if (isGeneric) {
    const strict = events.realtimeServerEventSchema.safeParse(raw);
    return { outcome: 'untyped', eventType: data.type, object: structuredClone(raw), detail: `only a raw '*' event: ${issues(strict.error)}` };
  }
  return { outcome: 'accepted', eventType: data.type, object: data };
}

// The package never parses client events at run time; this is what its client schema says.
function parseClient(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { outcome: 'rejected', detail: error.message };
  }
  const parsed = events.realtimeClientEventSchema.safeParse(value);
  if (!parsed.success) return { outcome: 'rejected', eventType: value?.type, detail: issues(parsed.error) };
  return { outcome: 'accepted', eventType: parsed.data.type, object: parsed.data };
}

async function connectedTransport() {
  const sent = [];
  const socket = { send: (text) => sent.push(text), addEventListener() {}, removeEventListener() {}, close() {} };
  const transport = new OpenAIRealtimeWebSocket({ createWebSocket: async () => socket, skipOpenEventListeners: true });
  // No real key and no network: the socket above is all the transport talks to.
  await transport.connect({ apiKey: 'harness-placeholder', url: 'ws://127.0.0.1:9/v1/realtime' });
  sent.length = 0; // connect() sent its own initial session.update
  return { transport, sent };
}

const camel = (name) => name.replace(/_([a-z])/g, (_, letter) => letter.toUpperCase());

// The initial session config an application writes (the package's camelCase types) from the suite's settings.
function sessionConfig(wanted) {
  const config = {};
  if (wanted.instructions !== null && wanted.instructions !== undefined) config.instructions = wanted.instructions;
  const input = {};
  if (wanted.turn_detection === 'off') input.turnDetection = null;
  else if (typeof wanted.turn_detection === 'object') {
    input.turnDetection = Object.fromEntries(Object.entries(wanted.turn_detection).map(([key, value]) => [camel(key), value]));
  }
  if (wanted.transcription != null) input.transcription = wanted.transcription === 'off' ? null : wanted.transcription;
  if (wanted.noise_reduction != null) input.noiseReduction = wanted.noise_reduction === 'off' ? null : wanted.noise_reduction;
  const audio = {};
  if (Object.keys(input).length > 0) audio.input = input;
  if (wanted.voice != null) audio.output = { voice: wanted.voice };
  if (Object.keys(audio).length > 0) config.audio = audio;
  if (wanted.output_modalities != null) config.outputModalities = wanted.output_modalities;
  if (wanted.tools.length > 0) {
    config.tools = wanted.tools.map((tool) => ({ type: 'function', name: tool.name, description: tool.description, parameters: tool.parameters, strict: false }));
  }
  return config;
}

const described = (value) => (value instanceof Error ? `${value.name}: ${value.message}` : typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));

// One application session on a real socket.
function session(saw) {
  let transport = null;
  let settings = { tools: [] };
  let closed = false;
  return {
    async connect(url, wanted) {
      settings = wanted;
      const endpoint = `${url}/v1/realtime?model=gpt-realtime`;
      transport = new OpenAIRealtimeWebSocket({ url: endpoint });
      transport.on('*', (event) => saw('raw', { type: String(event?.type) }));
      transport.on('audio', (event) => saw('audio', { bytes: event.data.byteLength }));
      transport.on('audio_transcript_delta', (event) => saw('transcript', { text: event.delta }));
      transport.on('error', (event) => saw('error', { message: described(event.error?.error?.message ?? event.error).slice(0, 300) }));
      transport.on('disconnected', () => saw('closed', { reason: 'the transport reported disconnected' }));
      transport.on('function_call', (call) => {
        saw('function-call', { call_id: call.callId, name: call.name, arguments: call.arguments });
        const tool = settings.tools.find((candidate) => candidate.name === call.name);
        const output = tool ? tool.output : JSON.stringify({ error: `no function named ${call.name}` });
        transport.sendFunctionCallOutput(call, output, true);
      });
      await transport.connect({ apiKey: 'test-key', model: 'gpt-realtime', url: endpoint, initialSessionConfig: sessionConfig(wanted) });
    },
    async sendText(said) {
      transport.sendMessage(said, {});
    },
    async appendAudio(pcm) {
      transport.sendAudio(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.byteLength));
    },
    async interrupt() {
      transport.interrupt();
    },
    async close() {
      if (transport !== null && !closed) {
        closed = true;
        transport.close();
      }
    },
  };
}

serve({
  name: '@openai/agents-realtime',
  version,
  language: 'javascript',
  dialect: 'ga',
  // A client library: OpenAIRealtimeWebSocket, OpenAIRealtimeWebRTC and OpenAIRealtimeSIP (dist/index.mjs:4-6).
  sides: ['client'],
  transports: ['websocket', 'webrtc', 'sip'],
  // What applications build on: its event schemas are not exported (package.json "exports"), so it
  // is no model others build on. Its scope is everything: '*' listeners get every server event that
  // is an object with a string type (openaiRealtimeBase.mjs:112), and sendEvent sends any client
  // event unchanged (openaiRealtimeWebsocket.mjs:616).
  class: 'client',
  // Beside '*', the transport emits each event that passes its schemas under its own type
  // (openaiRealtimeBase.mjs:116-131): an event delivered only raw misses those listeners.
  typedListeners: true,

  parse(direction, text) {
    return direction === 'server' ? parseServer(text) : parseClient(text);
  },

  dump(direction, object) {
    return object;
  },

  // A fresh transport per event: its response.create sequencer holds a second response.create
  // back until the server has answered the first.
  async buildClient(event) {
    const { transport, sent } = await connectedTransport();
    try {
      transport.sendEvent(event);
    } finally {
      transport.close();
    }
    if (sent.length !== 1) throw new Error(`sendEvent sent ${sent.length} messages for one event`);
    return sent[0];
  },

  wire: { session },
});
