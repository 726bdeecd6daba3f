// Harness for the openai npm package's realtime WebSocket client, OpenAIRealtimeWS (openai/realtime/ws,
// on the ws package): the parse part and the wire part of the harness protocol in one program.
//
// Receiving: OpenAIRealtimeWS puts one 'message' listener on its ws socket (realtime/ws.js:70-104):
// parseRealtimeEvent is JSON.parse and nothing else (realtime/internal-base.js:13-24); a frame that
// is not JSON, or not an object with a string type, goes to _onError as 'could not parse websocket
// event' (ws.js:74-90), which the 'error' listeners get as an OpenAIRealtimeError. Every other event
// is emitted as 'event' (:92) and, unless it is an error event, under its own type (:99-101); an
// error event goes to 'error' (:96-97). The parse part feeds a frame to that listener: `accepted`
// as the object the listeners get, or `rejected` when it went to 'error' instead.
//
// Sending: OpenAIRealtimeWS.send is JSON.stringify of the caller's event onto the socket (:212-222);
// the parse part's socket never opens, and its send records the text.
//
// The wire part drives it as its README shows: `new OpenAIRealtimeWS({ model }, client)`, `send`, the
// 'event' and 'error' listeners, `close()`. It builds the URL from the client's baseURL and forces
// wss: (internal-base.js:126); the `options` it passes on to `new WS.WebSocket` (ws.js:61-69) take a
// `createConnection` that opens a plain TCP connection instead, so that it reaches the suite's ws://
// server. The SDK sends only what the application sends: answering function calls, interrupting,
// playback and keeping one response in flight are the application's code, not the library's.
import net from 'node:net';
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { serve } from '@realtime-conformance/harness';

const { version } = JSON.parse(readFileSync(new URL('./node_modules/openai/package.json', import.meta.url), 'utf8'));
const plainTCP = (options) => net.connect({ host: options.host, port: options.port });
const described = (error) => [error?.message, error?.cause?.message].filter(Boolean).join(': ');

// A client whose socket never opens: a local server that accepts the connection and never answers
// the upgrade. Its socket's 'message' listener is the library's receive path.
async function idleClient() {
  const silent = net.createServer(() => {});
  await new Promise((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silent.unref();
  const { port } = silent.address();
  const client = new OpenAI({ apiKey: 'harness-placeholder', baseURL: `http://127.0.0.1:${port}/v1` });
  const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime', options: { createConnection: plainTCP } }, client);
  const heard = { events: [], errors: [], sent: [] };
  rt.on('event', (event) => heard.events.push(event));
  rt.on('error', (error) => heard.errors.push(error));
  rt.socket.send = (text) => heard.sent.push(text); // the transport below the library: record, do not send
  return { rt, heard };
}

const { rt, heard } = await idleClient();

function parse(direction, text) {
  heard.events.length = 0;
  heard.errors.length = 0;
  rt.socket.emit('message', Buffer.from(text, 'utf8'));
  const [event] = heard.events;
  if (event !== undefined) return { outcome: 'accepted', eventType: event.type, object: event };
  if (heard.errors.length > 0) return { outcome: 'rejected', detail: described(heard.errors[0]) };
  return { outcome: 'ignored', detail: 'no listener heard of it' };
}

function buildClient(event) {
  heard.sent.length = 0;
  heard.errors.length = 0;
  rt.send(event);
  if (heard.errors.length > 0) throw new Error(described(heard.errors[0]));
  if (heard.sent.length !== 1) throw new Error(`send put ${heard.sent.length} frames on the socket for one event`);
  return heard.sent[0];
}

// The GA session.update an application writes from the suite's settings (the SDK takes the
// protocol's own JSON).
function sessionUpdate(settings) {
  const session = { type: 'realtime' };
  if (settings.instructions != null) session.instructions = settings.instructions;
  const input = {};
  if (settings.turn_detection === 'off') input.turn_detection = null;
  else if (typeof settings.turn_detection === 'object') input.turn_detection = settings.turn_detection;
  for (const name of ['transcription', 'noise_reduction']) {
    if (settings[name] != null) input[name] = settings[name] === 'off' ? null : settings[name];
  }
  const audio = {};
  if (Object.keys(input).length > 0) audio.input = input;
  if (settings.voice != null) audio.output = { voice: settings.voice };
  if (Object.keys(audio).length > 0) session.audio = audio;
  if (settings.output_modalities != null) session.output_modalities = settings.output_modalities;
  if (settings.tools.length > 0) {
    session.tools = settings.tools.map(({ name, description, parameters }) => ({ type: 'function', name, description, parameters }));
  }
  return Object.keys(session).length > 1 ? { type: 'session.update', session } : null;
}

const APPLICATION = "the openai SDK sends only what the application sends: {} is the application's code";

function session(saw) {
  let live = null;
  return {
    async connect(url, settings) {
      const client = new OpenAI({ apiKey: 'test-key', baseURL: `${url.replace(/^ws/, 'http')}/v1` });
      live = new OpenAIRealtimeWS({ model: 'gpt-realtime', options: { createConnection: plainTCP } }, client);
      live.on('event', (event) => {
        if (event.type === 'response.output_audio.delta') saw('audio', { bytes: Buffer.from(String(event.delta ?? ''), 'base64').length });
        else if (event.type === 'response.output_audio_transcript.delta') saw('transcript', { text: String(event.delta ?? '') });
        else if (event.type === 'response.output_text.delta') saw('text', { text: String(event.delta ?? '') });
        else if (event.type !== 'error') saw('event', { type: event.type });
      });
      live.on('error', (error) => saw('error', { message: described(error).slice(0, 300) }));
      live.socket.on('close', (code) => saw('closed', { reason: `the socket closed (${code})` }));
      await new Promise((resolve, reject) => {
        live.socket.once('open', resolve);
        live.socket.once('error', reject);
      });
      const update = sessionUpdate(settings);
      if (update) live.send(update);
    },
    async sendText(text) {
      live.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });
      live.send({ type: 'response.create' });
    },
    async appendAudio(pcm) {
      live.send({ type: 'input_audio_buffer.append', audio: pcm.toString('base64') });
    },
    async close() {
      if (live === null || live.socket.readyState === live.socket.CLOSED) return;
      const closed = new Promise((resolve) => live.socket.once('close', resolve));
      live.close();
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000))]);
    },
  };
}

serve({
  name: 'openai',
  version,
  language: 'javascript',
  dialect: 'ga',
  // A client: a connection an application builds on (realtime/ws.js:20). Its scope is everything:
  // every event is emitted as 'event' (:92) and send() sends any event unchanged (:217).
  sides: ['client'],
  transports: ['websocket'],
  class: 'client',
  parse(direction, text) {
    if (direction !== 'server') throw new Error('a client parses server events only');
    return parse(direction, text);
  },
  dump: (direction, object) => object,
  buildClient,
  wire: {
    leavesToApplication: {
      'function-calls': APPLICATION.replace('{}', 'answering a function call'),
      playback: APPLICATION.replace('{}', 'stopping playback and truncating'),
      interrupt: APPLICATION.replace('{}', 'cancelling a response'),
      sequencing: APPLICATION.replace('{}', 'keeping one response in flight'),
    },
    session,
  },
});
