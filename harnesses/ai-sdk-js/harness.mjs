// Harness for the Vercel AI SDK's OpenAI realtime model (@ai-sdk/openai, openai.experimental_realtime):
// a codec between the OpenAI Realtime API and the AI SDK's provider-neutral realtime events, with no
// socket of its own. The parse part of the harness protocol (a model has no wire part).
// Lines below are of node_modules/@ai-sdk/openai/src/realtime/openai-realtime-event-mapper.ts (shipped
// in the package; dist/index.js holds the same code from :10236) unless another file is named.
//
// Receiving: model.parseServerEvent(json) is parseOpenAIRealtimeServerEvent (:69-280): no
// validation, a switch on `type` mapping 22 GA server event types to normalized events, each with a
// few typed fields and `raw`, the event as given ("the original provider-specific event data for
// debugging and provider-specific access", @ai-sdk/provider src/realtime-model/v4/
// realtime-model-v4-server-event.ts:3-9); every other type comes back as
// { type: 'custom', rawType, raw } (:271-273). It takes JSON already parsed: its caller decodes the
// frame (ai's RealtimeEventChannel.receive: safeParseJSON, then the parser, ai/dist/index.js:18084-18094); this
// harness decodes with JSON.parse, and a frame that is not JSON never reaches the codec: `rejected`.
// A normalized event is `accepted` as the GA type its case stands for; what the application gets of
// it, dumped as GA wire JSON, is `raw` with each typed field written over the member it stands for
// wherever it differs from every member it was read from (a default the mapper fills in shows as a
// member the server never sent). A custom event is the codec's "no model of its own": `untyped`,
// dumped as its raw. A value the mapper throws on (null: it reads null.type) is `rejected`.
//
// Sending: model.serializeClientEvent(event) is serializeOpenAIRealtimeClientEvent (:344-439) of a
// normalized client event (@ai-sdk/provider src/realtime-model/v4/realtime-model-v4-client-event.ts),
// which is what an application has to give it. build_client gives it the normalized event an
// application would write for the GA event: every member that has a normalized field in it, and, in a
// session.update, every other top-level member through config.providerOptions, which the codec
// assigns onto the session as it is (:585-587). A member with no normalized field (response.create's
// conversation, an event_id outside session.update and input_audio_buffer.append) cannot be given,
// so the sent event lacks it; a GA event with no normalized form at all (conversation.item.delete, a
// system message, ...) cannot be sent: an error, which the suite counts as cannot-send.
import { readFileSync } from 'node:fs';
import { createOpenAI } from '@ai-sdk/openai';
import { serve } from '@realtime-conformance/harness';

const root = new URL('./node_modules/@ai-sdk/openai/', import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const MAPPER = 'src/realtime/openai-realtime-event-mapper.ts';
const CLIENT_EVENTS = '@ai-sdk/provider src/realtime-model/v4/realtime-model-v4-client-event.ts';
const ITEMS = '@ai-sdk/provider src/realtime-model/v4/realtime-model-v4-conversation-item.ts';
const MODEL_ID = 'gpt-realtime';

// No request is ever made: parseServerEvent and serializeClientEvent are pure functions of their input.
const model = createOpenAI({ apiKey: 'harness-placeholder', baseURL: 'http://127.0.0.1:9/v1' }).experimental_realtime(MODEL_ID);

// --- receiving -----------------------------------------------------------------------------------

// Per normalized type (the mapper's cases, :77-269): the GA type it stands for, each typed field with
// the members it is read from (the first is the one it stands for), and where its usage comes from.
const R = ['responseId', ['response_id']];
const I = ['itemId', ['item_id']];
const ITEM = ['itemId', ['item.id', 'item_id']];
const DELTA = ['delta', ['delta']];
const CALL = ['callId', ['call_id']];
const RESPONSE_USAGE = {
  base: 'response.usage',
  inputTokens: 'input_tokens', outputTokens: 'output_tokens', cachedInputTokens: 'input_token_details.cached_tokens',
  inputAudioTokens: 'input_token_details.audio_tokens', inputTextTokens: 'input_token_details.text_tokens',
  outputAudioTokens: 'output_token_details.audio_tokens', outputTextTokens: 'output_token_details.text_tokens',
  cachedInputAudioTokens: 'input_token_details.cached_tokens_details.audio_tokens',
  cachedInputTextTokens: 'input_token_details.cached_tokens_details.text_tokens',
};
const TRANSCRIPTION_USAGE = {
  base: 'usage',
  seconds: 'seconds', inputTokens: 'input_tokens', outputTokens: 'output_tokens', inputAudioTokens: 'input_token_details.audio_tokens',
  inputTextTokens: 'input_token_details.text_tokens', outputTextTokens: 'output_tokens',
};
const TYPED = {
  'session-created': ['session.created', [['sessionId', ['session.id']]]],
  'session-updated': ['session.updated', []],
  'speech-started': ['input_audio_buffer.speech_started', [I]],
  'speech-stopped': ['input_audio_buffer.speech_stopped', [I]],
  'audio-committed': ['input_audio_buffer.committed', [I, ['previousItemId', ['previous_item_id']]]],
  'conversation-item-added': ['conversation.item.added', [ITEM, ['item', ['item']]]],
  'input-transcription-completed': ['conversation.item.input_audio_transcription.completed', [I, ['transcript', ['transcript']]], TRANSCRIPTION_USAGE],
  'response-created': ['response.created', [['responseId', ['response.id', 'response_id']]]],
  'response-done': ['response.done', [['responseId', ['response.id', 'response_id']], ['status', ['response.status']]], RESPONSE_USAGE],
  'output-item-added': ['response.output_item.added', [R, ITEM]],
  'output-item-done': ['response.output_item.done', [R, ITEM]],
  'content-part-added': ['response.content_part.added', [R, I]],
  'content-part-done': ['response.content_part.done', [R, I]],
  'audio-delta': ['response.output_audio.delta', [R, I, DELTA]],
  'audio-done': ['response.output_audio.done', [R, I]],
  'audio-transcript-delta': ['response.output_audio_transcript.delta', [R, I, DELTA]],
  'audio-transcript-done': ['response.output_audio_transcript.done', [R, I, ['transcript', ['transcript']]]],
  'text-delta': ['response.output_text.delta', [R, I, DELTA]],
  'text-done': ['response.output_text.done', [R, I, ['text', ['text']]]],
  'function-call-arguments-delta': ['response.function_call_arguments.delta', [R, I, CALL, DELTA]],
  'function-call-arguments-done': ['response.function_call_arguments.done', [R, I, CALL, ['name', ['name']], ['arguments', ['arguments']]]],
  error: ['error', [['message', ['error.message', 'message']], ['code', ['error.code', 'code']], ['clientEventId', ['error.event_id']]]],
};

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const at = (value, path) => path.split('.').reduce((here, key) => (isObject(here) ? here[key] : undefined), value);
const same = (a, b) => a === b || JSON.stringify(a) === JSON.stringify(b);

function put(value, path, given) {
  const keys = path.split('.');
  let here = value;
  for (const key of keys.slice(0, -1)) {
    if (here[key] === undefined) here[key] = {};
    if (!isObject(here[key])) return; // nothing an application could read it back from
    here = here[key];
  }
  here[keys.at(-1)] = given;
}

function parseServer(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { outcome: 'rejected', detail: `not JSON (${error.message}): the codec takes parsed JSON, so it never sees it` };
  }
  let event;
  try {
    event = model.parseServerEvent(value);
  } catch (error) {
    return { outcome: 'rejected', detail: `parseServerEvent threw ${error.name}: ${error.message}` };
  }
  if (event.type === 'custom') {
    const kind = typeof event.rawType === 'string' ? event.rawType : null;
    return { outcome: 'untyped', eventType: kind, object: event, detail: `no normalized event: { type: 'custom', rawType, raw } (${MAPPER}:271-273)` };
  }
  const typed = TYPED[event.type];
  if (!typed) throw new Error(`parseServerEvent returned a normalized type the harness does not know: ${event.type}`);
  return { outcome: 'accepted', eventType: typed[0], modelType: typed[0], object: event };
}

// The GA wire JSON of what the application got: raw, with every typed field written over the member
// it stands for wherever it differs from each member it was read from.
function dumpServer(event) {
  const wire = structuredClone(event.raw);
  const typed = TYPED[event.type];
  if (!typed || !isObject(wire)) return wire;
  const [, fields, usage] = typed;
  for (const [field, paths] of fields) {
    const given = event[field];
    if (given === undefined || paths.some((path) => same(at(event.raw, path), given))) continue;
    put(wire, paths[0], given);
  }
  if (usage && event.usage !== undefined) {
    for (const [field, given] of Object.entries(event.usage)) {
      const path = `${usage.base}.${usage[field]}`;
      if (usage[field] === undefined) throw new Error(`normalized usage has a field the harness does not know: ${field}`);
      if (!same(at(event.raw, path), given)) put(wire, path, given);
    }
  }
  return wire;
}

// --- sending -------------------------------------------------------------------------------------

const cannot = (what, why) => {
  throw new Error(`the application cannot send ${what}: ${why}`);
};
const eventId = (ga) => (ga.event_id !== undefined ? { eventId: ga.event_id } : {});
const only = (value, keys) => isObject(value) && Object.keys(value).every((key) => keys.includes(key));

function clientEvent(ga) {
  switch (ga.type) {
    case 'session.update':
      return sessionUpdate(ga);
    case 'input_audio_buffer.append':
      return { event: { type: 'input-audio-append', audio: ga.audio, ...eventId(ga) } };
    case 'input_audio_buffer.commit':
      return { event: { type: 'input-audio-commit' } };
    case 'input_audio_buffer.clear':
      return { event: { type: 'input-audio-clear' } };
    case 'conversation.item.create':
      return { event: { type: 'conversation-item-create', item: item(ga.item) } };
    case 'conversation.item.truncate':
      return { event: { type: 'conversation-item-truncate', itemId: ga.item_id, contentIndex: ga.content_index, audioEndMs: ga.audio_end_ms } };
    case 'response.create': {
      const response = ga.response;
      if (response === undefined) return { event: { type: 'response-create' } };
      const options = {};
      if (isObject(response)) {
        if ('output_modalities' in response) options.modalities = response.output_modalities;
        if ('instructions' in response) options.instructions = response.instructions;
        if ('metadata' in response) options.metadata = response.metadata;
      }
      return { event: { type: 'response-create', options } };
    }
    case 'response.cancel':
      return { event: { type: 'response-cancel' } };
    default:
      return cannot(ga.type, `no normalized client event stands for it (${CLIENT_EVENTS}:10-95)`);
  }
}

function item(ga) {
  if (!isObject(ga)) return cannot('this item', 'it is no object');
  if (ga.type === 'function_call_output') return { type: 'function-call-output', callId: ga.call_id, output: ga.output };
  if (ga.type !== 'message') return cannot(`a ${ga.type} item`, `the normalized items are a user's text or audio message and a function call output (${ITEMS}:5-55)`);
  if (ga.role !== 'user') return cannot(`a ${ga.role} message`, `a normalized message's role is 'user' only (${ITEMS}:13-26)`);
  const parts = Array.isArray(ga.content) ? ga.content : [];
  if (parts.length !== 1) return cannot(`a message of ${parts.length} content parts`, `a normalized message carries one text or one audio (${ITEMS}:13-26)`);
  const [part] = parts;
  if (part?.type === 'input_text') return { type: 'text-message', role: 'user', text: part.text };
  if (part?.type === 'input_audio') return { type: 'audio-message', role: 'user', audio: part.audio };
  return cannot(`a message with a ${part?.type} part`, `a normalized message carries text or audio only (${ITEMS}:13-26)`);
}

// The normalized session config for a GA session: each top-level member its config can say
// (instructions, output_modalities, function tools, audio formats, transcription, turn detection and
// a voice name), the rest through providerOptions, assigned onto the session as it is (:585-587).
function sessionUpdate(ga) {
  const session = isObject(ga.session) ? ga.session : {};
  const intent = session.type === 'transcription' ? 'transcription' : 'conversation';
  const config = {};
  const passed = {};
  for (const [key, value] of Object.entries(session)) {
    if (key === 'type') continue; // what the intent says (:465-466)
    if (key === 'model' && intent === 'conversation' && value === MODEL_ID) continue; // every update carries the model id (:467)
    if (intent === 'conversation' && key === 'instructions' && typeof value === 'string') config.instructions = value;
    else if (intent === 'conversation' && key === 'output_modalities' && Array.isArray(value)) config.outputModalities = value;
    else if (intent === 'conversation' && key === 'tools' && functionTools(value)) config.tools = value.map((tool) => ({ ...tool }));
    else if (key === 'audio' && audio(value, intent)) Object.assign(config, audio(value, intent));
    else passed[key] = value;
  }
  if (Object.keys(passed).length > 0) config.providerOptions = passed;
  return { event: { type: 'session-update', config, ...eventId(ga) }, options: { intent } };
}

function functionTools(tools) {
  return Array.isArray(tools) && tools.length > 0 && tools.every((tool) => only(tool, ['type', 'name', 'description', 'parameters']) && tool.type === 'function');
}

// The normalized fields for a GA session's audio, or null when a member of it has none (the whole
// audio object then goes through providerOptions: the assignment is shallow).
function audio(value, intent) {
  if (!only(value, ['input', 'output']) || Object.keys(value).length === 0) return null;
  const config = {};
  const { input, output } = value;
  if (input !== undefined) {
    if (!only(input, ['format', 'transcription', 'turn_detection']) || Object.keys(input).length === 0) return null;
    if (input.format !== undefined) {
      if (!only(input.format, ['type', 'rate'])) return null;
      config.inputAudioFormat = { ...input.format };
    }
    if (input.transcription !== undefined) {
      if (!only(input.transcription, ['model', 'language', 'prompt'])) return null;
      config.inputAudioTranscription = { ...input.transcription };
    }
    if (input.turn_detection !== undefined) {
      const detection = input.turn_detection;
      if (detection === null) config.turnDetection = { type: 'disabled' }; // what turns VAD off (:498-499)
      else if (only(detection, ['type', 'threshold', 'silence_duration_ms', 'prefix_padding_ms']) && ['server_vad', 'semantic_vad'].includes(detection.type)) {
        config.turnDetection = {
          type: detection.type === 'server_vad' ? 'server-vad' : 'semantic-vad',
          ...(detection.threshold !== undefined ? { threshold: detection.threshold } : {}),
          ...(detection.silence_duration_ms !== undefined ? { silenceDurationMs: detection.silence_duration_ms } : {}),
          ...(detection.prefix_padding_ms !== undefined ? { prefixPaddingMs: detection.prefix_padding_ms } : {}),
        };
      } else return null;
    }
  }
  if (output !== undefined) {
    if (intent !== 'conversation' || !only(output, ['format', 'voice']) || Object.keys(output).length === 0) return null;
    if (output.format !== undefined) {
      if (!only(output.format, ['type', 'rate'])) return null;
      config.outputAudioFormat = { ...output.format };
    }
    if (output.voice !== undefined) {
      if (typeof output.voice !== 'string') return null; // a custom voice { id }: the config's voice is a name
      config.voice = output.voice;
    }
  }
  return config;
}

async function buildClient(ga) {
  const { event, options } = clientEvent(ga);
  const wire = await model.serializeClientEvent(event, options);
  if (wire === undefined) throw new Error(`serializeClientEvent returned nothing for ${JSON.stringify(event).slice(0, 200)}`);
  return JSON.stringify(wire);
}

serve({
  name: '@ai-sdk/openai',
  version,
  language: 'javascript',
  dialect: 'ga',
  sides: ['client'],
  transports: ['websocket'], // its capabilities: transports ['websocket'] (src/realtime/openai-realtime-model.ts:35)
  // A model of the protocol others build on: ai's realtime sessions, @ai-sdk/react's
  // experimental_useRealtime and the AI Gateway drive it; it opens no socket of its own.
  class: 'model',
  parse(direction, text) {
    if (direction !== 'server') throw new Error('the codec parses server events only');
    return parseServer(text);
  },
  dump: (direction, object) => (object.type === 'custom' ? object.raw : dumpServer(object)),
  buildClient,
});
