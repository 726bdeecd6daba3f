// Harness for @openai/agents-realtime (npm), the OpenAI Agents SDK's realtime transport layer.
//
// Receiving: every transport (WebSocket, WebRTC, SIP) hands each server message to
// OpenAIRealtimeBase._onMessage, which calls parseRealtimeEvent (dist/openaiRealtimeEvents.mjs).
// That validates the event against the zod union realtimeServerEventSchema; when it fails, the
// event is passed on only raw, to '*' listeners, and gets no typed handling
// (dist/openaiRealtimeBase.mjs:111-115), and a payload that is not an object with a string type is
// dropped (:108-110). So: a strict parse is `accepted` as the object zod gave, which is what the
// typed listeners receive and what `dump` returns; the rest is `ignored`, never an error.
//
// Sending: OpenAIRealtimeWebSocket.sendEvent is the package's send path (JSON.stringify of the
// event, response.create through its ResponseCreateSequencer); the harness drives it on a
// connected transport whose socket only records what is sent.
//
// The event schemas are not in the package's exports map: they are imported from the dist file by
// URL, which is why the version is pinned exactly (package.json, package-lock.json).
import { readFileSync } from 'node:fs';
import { OpenAIRealtimeWebSocket } from '@openai/agents-realtime';
import { serve } from '../example-js/protocol.mjs';

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
  const { data, isGeneric } = events.parseRealtimeEvent({ data: text });
  if (data === null) {
    return { outcome: 'ignored', detail: 'not an object with a string type: _onMessage drops it' };
  }
  if (isGeneric) {
    const strict = events.realtimeServerEventSchema.safeParse(JSON.parse(text));
    return { outcome: 'ignored', eventType: data.type, detail: `only a raw '*' event: ${issues(strict.error)}` };
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

serve({
  name: '@openai/agents-realtime',
  version,
  language: 'javascript',
  dialect: 'ga',
  // A client library: OpenAIRealtimeWebSocket, OpenAIRealtimeWebRTC and OpenAIRealtimeSIP (dist/index.mjs:4-6).
  sides: ['client'],
  transports: ['websocket', 'webrtc', 'sip'],

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
});
