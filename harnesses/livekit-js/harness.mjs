// Harness for LiveKit Agents' OpenAI realtime plugin for Node.js (@livekit/agents-plugin-openai):
// openai.realtime.RealtimeModel and the RealtimeSession it opens, which LiveKit's AgentSession drives
// for a voice agent. The parse part and the wire part of the harness protocol in one program.
// Line numbers below are of node_modules/@livekit/agents-plugin-openai/dist/realtime/realtime_model.js.
//
// Receiving: RealtimeSession.runWs puts one 'message' handler on its ws socket (:985-1090): it
// JSON.parses the frame outside any try (:986) and emits the parsed value, untouched, as
// 'openai_server_event_received' (:987), before anything else; then a switch on its type hands 21 GA
// types (and 6 beta names) to handlers that read the event unvalidated (:998-1070), and a handler
// that throws is logged and skipped (:1072-1085) unless it threw a non-retryable APIError, which
// ends the connection (:1073-1077). So every frame that is JSON reaches the application raw, whatever its
// type: `untyped`, dumped as the value the listener got. A frame that is not JSON never reaches it:
// JSON.parse throws out of the socket's listener, where nothing catches it: `rejected`.
// The parse part drives that very handler without a network: a RealtimeSession subclass whose
// createWsConn (:789) returns a stand-in socket, one fresh session per frame (the handlers depend on
// the session's state), the frame handed to the onmessage that runWs installed.
//
// Sending: the application builds no protocol events. It drives the llm.RealtimeSession interface
// (updateInstructions, updateTools, updateChatCtx, updateOptions, pushAudio, commitAudio,
// generateReply, interrupt, truncate, close), from which the session builds every event and puts it
// on its queue (:320-322), whose sender writes JSON.stringify of it (:971). What it sends is judged
// on the wire.
//
// On the wire: as LiveKit's own AgentActivity drives the session, without a room:
// `new RealtimeModel({ baseURL, apiKey, ... })`, `model.session()`, updateInstructions and
// updateTools, the user's text as a message in a copy of `session.chatCtx` given to updateChatCtx,
// then generateReply(); a function call out of a generation's functionStream answered with a
// FunctionCallOutput through updateChatCtx and another generateReply(); interrupt(); close(). What
// the application sees: the raw events, each generation's audio and text streams, the 'error'
// events, and what the library logs at warning level or above (LiveKit's pino logger, set up here
// to write to stderr: initializeLogger would write to stdout, which carries the protocol).
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { llm } from '@livekit/agents';
import * as openai from '@livekit/agents-plugin-openai';
import { AudioFrame } from '@livekit/rtc-node';
import { serve } from '@realtime-conformance/harness';

const root = new URL('./node_modules/@livekit/agents-plugin-openai/', import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const SOURCE = 'dist/realtime/realtime_model.js';
const { RealtimeModel, RealtimeSession } = openai.realtime;

// --- LiveKit's logger ------------------------------------------------------------------------------

// @livekit/agents keeps its pino logger under a global symbol (dist/log_core.js:1-15), which
// initializeLogger fills with a logger writing to process.stdout (dist/log.js:10-33). stdout is the
// protocol's, so the harness puts a pino logger of its own there, writing to stderr; what is logged
// at warning level or above goes to whoever listens (a parse, or the wire session's seen lines).
let listener = null;
const LEVELS = { 40: 'WARNING', 50: 'ERROR', 60: 'CRITICAL' };
const logged = (record) => {
  const error = record.error ?? record.err;
  const why = error?.message ?? (typeof error === 'string' ? error : null);
  return [record.msg, why].filter(Boolean).join(': ').slice(0, 300);
};
const destination = {
  write(line) {
    process.stderr.write(line);
    let record;
    try {
      record = JSON.parse(line);
    } catch {
      return;
    }
    if (listener !== null && record.level >= 40) listener(LEVELS[record.level] ?? 'ERROR', logged(record));
  },
};
globalThis[Symbol.for('@livekit/agents:logger')] = pino({ level: 'warn', serializers: { error: pino.stdSerializers.err } }, destination);
globalThis[Symbol.for('@livekit/agents:loggerOptions')] = { pretty: false, level: 'warn' };

const described = (value) => (value instanceof Error ? `${value.name}: ${value.message}` : typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));
const within = (promise, ms) => Promise.race([promise, new Promise((resolve) => setTimeout(resolve, ms).unref())]);

// --- the parse part --------------------------------------------------------------------------------

// Stands in for the ws WebSocket runWs reads and writes (:948-1119): open, recording what is sent.
class StandInSocket {
  readyState = 1; // WebSocket.OPEN
  sent = [];
  closes = 0;
  onerror = null;
  onclose = null;
  #onmessage = null;
  #installed;
  #ended;
  constructor() {
    this.installed = new Promise((resolve) => (this.#installed = resolve));
    this.ended = new Promise((resolve) => (this.#ended = resolve));
  }
  get onmessage() {
    return this.#onmessage;
  }
  set onmessage(handler) {
    this.#onmessage = handler;
    this.#installed();
  }
  send(text) {
    this.sent.push(text);
  }
  close() {
    this.closes += 1;
    if (this.readyState !== 3) {
      this.readyState = 3;
      this.onclose?.();
    }
    if (this.closes > 1) this.#ended(); // runWs closes it once more when it ends (:1117)
  }
}

// The session's constructor starts its main task at once (:310-316), which calls createWsConn
// before a subclass's fields exist: the socket it gets is handed over through this variable.
let nextSocket = null;
class SocketlessSession extends RealtimeSession {
  async createWsConn() {
    const socket = nextSocket;
    nextSocket = null;
    return socket;
  }
}
const parseModel = new RealtimeModel({ apiKey: 'harness-placeholder', baseURL: 'http://127.0.0.1:9/v1' });

async function parseServer(text) {
  const socket = new StandInSocket();
  nextSocket = socket;
  const session = new SocketlessSession(parseModel);
  const heard = [];
  const errors = [];
  const logs = [];
  session.on('openai_server_event_received', (event) => heard.push(structuredClone(event)));
  session.on('error', (error) => errors.push(error)); // as an application listens (an 'error' nobody hears throws)
  let thrown = null;
  try {
    await within(socket.installed, 5000);
    if (socket.onmessage === null) throw new Error('the session never installed its message handler');
    listener = (level, message) => logs.push(`${level}: ${message}`);
    try {
      socket.onmessage({ data: text });
    } catch (error) {
      thrown = error; // out of the socket's listener: nothing in the library catches it
    } finally {
      listener = null;
    }
  } finally {
    await session.close();
    socket.close(); // close() leaves the connection to whoever owns it (see the README): the harness does
    await within(socket.ended, 3000);
  }
  if (heard.length === 0) {
    const why = thrown ? described(thrown) : 'no listener heard of it';
    return { outcome: 'rejected', detail: `${why}: JSON.parse (${SOURCE}:986) throws out of the socket's message listener, uncaught` };
  }
  const [event] = heard;
  const kind = event !== null && typeof event === 'object' && typeof event.type === 'string' ? event.type : null;
  const ended = errors.find((error) => error.recoverable === false);
  const notes = [...logs.slice(0, 1), ...(ended ? [`the session ended: ${described(ended.error)}`] : [])];
  return { outcome: 'untyped', eventType: kind, object: event, detail: notes.join('; ') };
}

// --- the wire part ---------------------------------------------------------------------------------

const AGENT_SESSION = "in LiveKit that is AgentSession's job (@livekit/agents voice/agent_activity.js), which needs a room; the RealtimeSession driven here leaves it to its caller";

function session(saw) {
  let model = null;
  let live = null;
  let settings = { tools: [] };
  let closed = false;
  const fail = (what) => (error) => saw('error', { message: `${what}: ${described(error)}`.slice(0, 300), raised: true });

  // generateReply resolves once a response.created names its request in response.metadata (:1153-1191),
  // and otherwise rejects after 10 s (:1659-1671); the generation reaches generation_created either way.
  const reply = () => live.generateReply().catch(fail('generateReply() rejected'));

  async function readText(message) {
    const modalities = await message.modalities;
    const kind = modalities.includes('audio') ? 'transcript' : 'text';
    for await (const delta of message.textStream) saw(kind, { text: typeof delta === 'string' ? delta : String(delta?.text ?? delta) });
  }

  async function readAudio(message) {
    for await (const frame of message.audioStream) saw('audio', { bytes: frame.data.byteLength });
  }

  async function readCalls(stream) {
    for await (const call of stream) {
      saw('function-call', { call_id: call.callId, name: call.name, arguments: call.args });
      const tool = settings.tools.find((candidate) => candidate.name === call.name);
      const output = tool ? tool.output : JSON.stringify({ error: `no function named ${call.name}` });
      const context = live.chatCtx.copy();
      context.insert(llm.FunctionCallOutput.create({ callId: call.callId, name: call.name, output, isError: false }));
      await live.updateChatCtx(context);
      reply();
    }
  }

  function onGeneration(generation) {
    saw('event', { type: 'generation_created' });
    (async () => {
      for await (const message of generation.messageStream) {
        readText(message).catch(fail('reading the text stream failed'));
        readAudio(message).catch(fail('reading the audio stream failed'));
      }
    })().catch(fail('reading the message stream failed'));
    readCalls(generation.functionStream).catch(fail('answering a function call failed'));
  }

  return {
    async connect(url, wanted) {
      settings = wanted;
      listener = (level, message) => saw('log', { level, message });
      const options = { baseURL: `${url.replace(/^ws/, 'http')}/v1`, apiKey: 'test-key', model: 'gpt-realtime' };
      if (wanted.turn_detection === 'off') options.turnDetection = null;
      else if (typeof wanted.turn_detection === 'object' && wanted.turn_detection !== null) options.turnDetection = wanted.turn_detection;
      if (wanted.transcription != null) options.inputAudioTranscription = wanted.transcription === 'off' ? null : wanted.transcription;
      if (wanted.noise_reduction != null) options.inputAudioNoiseReduction = wanted.noise_reduction === 'off' ? null : wanted.noise_reduction;
      if (wanted.voice != null) options.voice = wanted.voice;
      if (wanted.output_modalities != null) options.modalities = wanted.output_modalities.includes('audio') ? ['text', 'audio'] : ['text'];
      model = new RealtimeModel(options);
      live = model.session();
      live.on('openai_server_event_received', (event) => saw('raw', { type: String(event?.type) }));
      live.on('generation_created', onGeneration);
      live.on('input_speech_started', () => saw('event', { type: 'input_speech_started' }));
      live.on('input_speech_stopped', () => saw('event', { type: 'input_speech_stopped' }));
      live.on('error', (event) => saw('error', { message: described(event.error).slice(0, 300), recoverable: event.recoverable }));
      if (wanted.instructions != null) await live.updateInstructions(wanted.instructions);
      if (wanted.tools.length > 0) {
        const tools = wanted.tools.map(({ name, description, parameters }) =>
          llm.tool({ name, description, parameters, execute: async () => '{}' }),
        );
        await live.updateTools(new llm.ToolContext(tools));
      }
    },
    async sendText(said) {
      const context = live.chatCtx.copy();
      context.addMessage({ role: 'user', content: said });
      await live.updateChatCtx(context);
      reply();
    },
    async appendAudio(pcm) {
      const samples = new Int16Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.byteLength - (pcm.byteLength % 2)));
      live.pushAudio(new AudioFrame(samples, 24000, 1, samples.length));
    },
    async interrupt() {
      await live.interrupt();
    },
    async close() {
      if (closed || live === null) return;
      closed = true;
      await within(live.close(), 3000);
      await model.close();
    },
  };
}

serve({
  name: '@livekit/agents-plugin-openai',
  version,
  language: 'javascript',
  dialect: 'ga',
  sides: ['client'],
  transports: ['websocket'],
  // What an application builds on: LiveKit's AgentSession drives it for a voice agent.
  class: 'client',
  scope: {
    // every frame that is JSON reaches the application raw, as openai_server_event_received (:986-987)
    consumes: null,
    sends: [
      'text-input', 'audio-input', 'image-input', 'function-calls', 'truncation', 'cancel', 'conversation-items', 'item-delete',
      'session.instructions', 'session.voice', 'session.speed', 'session.output-modalities', 'session.turn-detection',
      'session.turn-detection-off', 'session.idle-timeout', 'session.transcription', 'session.noise-reduction',
      'session.tool-choice', 'session.tracing', 'session.max-output-tokens', 'response.settings',
    ],
    why: {
      mcp: `createToolsUpdateEvent sends function tools only, skipping every other tool (${SOURCE}:567-598, :570), and livekitItemToOpenAIItem converts messages and function calls and their outputs only (:1683-1742): no MCP tools or approval responses`,
      'transcription-sessions': `every session.update it builds has session.type 'realtime' (${SOURCE}:351, :593, :606)`,
      'out-of-band-responses': `createResponse's response carries instructions and metadata only (${SOURCE}:1672-1679)`,
      'item-retrieve': `the session sends no conversation.item.retrieve (the client events it builds: ${SOURCE}:323-704)`,
      'output-audio-buffer': `it connects over WebSocket only (createWsConn, ${SOURCE}:789-839)`,
      'session.audio-formats': `input and output formats are always { type: 'audio/pcm', rate: 24000 } (${SOURCE}:345, :355, :362)`,
      'session.forced-tool-choice': `toOaiToolChoice turns a tool_choice object into the function's bare name, a string GA does not allow (${SOURCE}:1802-1810)`,
      'session.truncation': `RealtimeModel's options (${SOURCE}:74-86, :108-158) and updateOptions (:613-631) have no truncation`,
      'session.prompt': `RealtimeModel's options (${SOURCE}:74-86, :108-158) and updateOptions (:613-631) have no prompt`,
      'session.include': `RealtimeModel's options (${SOURCE}:74-86, :108-158) and updateOptions (:613-631) have no include`,
    },
  },
  buildsEvents: false,
  parse(direction, text) {
    if (direction !== 'server') throw new Error('a client parses server events only');
    return parseServer(text);
  },
  dump: (direction, object) => object,
  // Never called: the application builds no protocol events (buildsEvents: false), so the suite
  // judges what the session sends on the wire.
  buildClient() {
    throw new Error("LiveKit's application builds no protocol events: the session builds them (judged on the wire)");
  },
  wire: {
    leavesToApplication: { playback: AGENT_SESSION, sequencing: AGENT_SESSION },
    session,
  },
});
