// The realtime-conformance harness protocol (version 2) for Node.js: one JSON request per line on
// stdin, one JSON reply per line on stdout, and, in a wire session, "seen" lines as the application
// sees things. `realtime-conformance schema --harness` prints the protocol's JSON Schema;
// docs/harness.md explains it. This module is all a Node.js harness needs of it.
//
//   import { serve } from '@realtime-conformance/harness';
//   serve({
//     name, version, language, dialect, sides, transports,  // what the implementation is
//     class: 'client',            // model (default), client, server or proxy; or a list of them
//     scope: { consumes, sends, why },  // a client's scope (default: everything)
//     nullsDistinct,              // false if its objects cannot tell null from absent (default true)
//     applicationPaths,           // a client's { eventType: [JSON paths] } its application receives (default: all of each)
//     buildsEvents,               // false if its application never builds protocol events (a service; default true)
//     parse(direction, text),     // -> { outcome: 'accepted', eventType, object, modelType? }
//                                 //  | { outcome: 'untyped', eventType, object, detail? }  (delivered only raw;
//                                 //    eventType null when the raw event names no type)
//                                 //  | { outcome: 'ignored' | 'rejected', eventType?, detail? }
//     dump(direction, object),    // -> the wire JSON (a JSON value) of an object parse returned
//     buildClient(event, text),   // -> the wire text its send path produces (text: the event's exact JSON)
//     wire: {                     // the wire part: drive the library's public API on a live socket
//       missing: { need: why },            // actions its API lacks (send-text, append-audio, interrupt, configure)
//       leavesToApplication: { need: why }, // behaviours left to the application (function-calls, playback, sequencing, ...)
//       session(saw) {            // one application session; saw(kind, detail) reports what the application sees
//         return { connect(url, settings), sendText(text), appendAudio(pcm), interrupt(), close() };
//       },
//     },
//   });
//
// Leave out a parse-part operation the implementation cannot do and it is declared missing (the
// checks that need it are not-implemented). Any operation may be async. An exception thrown by one,
// or a promise rejection or uncaught exception it causes before its reply is written, becomes an
// error reply to that request: the check in flight fails and the harness goes on. A failure that
// surfaces only after the reply is blamed on its request in stderr, and the harness exits. In a
// wire session such a failure is what the application would die of: it is reported as seen "crash".
//
// stdout carries the protocol only: console.log/info/debug go to stderr, and console.warn/error
// too, reported in a wire session as seen "log" (a warning the library logged).
import { AsyncLocalStorage } from 'node:async_hooks';
import { createInterface } from 'node:readline';

export const PROTOCOL_VERSION = 2;

// Parsed objects kept for dump requests: the suite dumps right after parsing.
const KEPT_HANDLES = 1024;
// The exit status of a harness whose request failed after its reply (as the Python hosts use).
const LATE_FAILURE = 70;

// What each side of a connection needs, and the operation that provides it.
const NEEDS = [
  ['parse_server', 'client', 'parse'],
  ['dump_server', 'client', 'dump'],
  ['build_client', 'client', 'buildClient'],
  ['parse_client', 'server', 'parse'],
  ['dump_client', 'server', 'dump'],
];

const WIRE_COMMANDS = new Set(['connect', 'send_text', 'append_audio', 'interrupt', 'close']);

const write = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
const text = (value) =>
  value instanceof Error ? `${value.name}: ${value.message}` : typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));

// The start reply's implementation: what a version 1 suite reads, and in version 2 the class, the
// scope and the wire part.
export function describe(implementation, version = PROTOCOL_VERSION) {
  const { name, version: implementationVersion, language, dialect = 'ga', sides, transports, nullsDistinct = true } = implementation;
  const missing = NEEDS.filter(([, side, operation]) => sides.includes(side) && typeof implementation[operation] !== 'function').map(
    ([capability]) => capability,
  );
  const described = { name, version: implementationVersion, language, dialect, sides, transports, missing, nulls_distinct: nullsDistinct };
  if (version < 2) return described;
  const wire = implementation.wire;
  return {
    ...described,
    class: implementation.class ?? 'model',
    scope: implementation.scope ?? null,
    wire: wire ? { missing: wire.missing ?? {}, leaves_to_application: wire.leavesToApplication ?? {} } : null,
    ...(implementation.applicationPaths ? { application_paths: implementation.applicationPaths } : {}),
    ...(implementation.buildsEvents === false ? { builds_events: false } : {}),
    ...(implementation.refusalEndsReceive ? { refusal_ends_receive: implementation.refusalEndsReceive } : {}),
    ...(implementation.typedListeners ? { typed_listeners: true } : {}),
  };
}

export function serve(implementation) {
  const objects = new Map();
  let handles = 0;
  let session = null; // the wire session, once connect made it
  const requests = new AsyncLocalStorage(); // which request an asynchronous failure comes from
  let inFlight = null; // { id, cmd, failure } of the request being answered

  const saw = (kind, detail = {}) => write({ seen: { kind, ...detail } });

  for (const method of ['log', 'info', 'debug']) {
    console[method] = (...args) => process.stderr.write(`${args.map(text).join(' ')}\n`);
  }
  for (const [method, level] of [['warn', 'WARNING'], ['error', 'ERROR']]) {
    console[method] = (...args) => {
      const message = args.map(text).join(' ');
      process.stderr.write(`${message}\n`);
      if (session !== null) saw('log', { level, message: message.slice(0, 300) });
    };
  }

  function blame(error, how) {
    const message = `${how}: ${text(error)}`.slice(0, 500);
    if (session !== null) {
      saw('crash', { message }); // the library's own failure, which would bring the application down
      return;
    }
    const from = requests.getStore() ?? inFlight;
    if (from !== null && from === inFlight) {
      from.failure ??= error instanceof Error ? error : new Error(message);
      return;
    }
    const which = from ? `request ${from.id} (${from.cmd}) failed after its reply` : 'a failure outside any request';
    process.stderr.write(`realtime-conformance harness: ${which}: ${error?.stack ?? message}\n`);
    process.exit(LATE_FAILURE);
  }
  process.on('uncaughtException', (error) => blame(error, 'uncaught exception'));
  process.on('unhandledRejection', (reason) => blame(reason, 'unhandled rejection'));

  const commands = {
    start: ({ version }) => {
      const spoken = Math.min(Number(version) || 1, PROTOCOL_VERSION); // a version 1 suite gets a version 1 reply
      return { version: spoken, implementation: describe(implementation, spoken) };
    },
    async parse({ direction, text: wireText }) {
      const parsed = await implementation.parse(direction, wireText);
      if (parsed.outcome !== 'accepted' && parsed.outcome !== 'untyped') {
        return { outcome: parsed.outcome, event_type: parsed.eventType ?? null, detail: parsed.detail ?? '' };
      }
      const handle = `h${handles++}`;
      objects.set(handle, parsed.object);
      if (objects.size > KEPT_HANDLES) objects.delete(objects.keys().next().value);
      if (parsed.outcome === 'untyped') return { outcome: 'untyped', event_type: parsed.eventType ?? null, handle, detail: parsed.detail ?? '' };
      return { outcome: 'accepted', event_type: parsed.eventType, handle, model_type: parsed.modelType ?? null };
    },
    async dump({ direction, handle }) {
      if (!objects.has(handle)) throw new Error(`unknown or forgotten handle ${handle}`);
      return { wire: await implementation.dump(direction, objects.get(handle)) };
    },
    async build_client({ event, text: eventText }) {
      return { text: await implementation.buildClient(event, eventText ?? JSON.stringify(event)) };
    },
    async connect({ url, settings }) {
      if (!implementation.wire) throw new Error(`${implementation.name} has no wire part`);
      if (session !== null) throw new Error('one session per process: this one is already connected');
      session = implementation.wire.session(saw);
      await session.connect(url, settings);
      return { ok: true };
    },
    send_text: async ({ text: said }) => ((await connected('sendText').sendText(said)), { ok: true }),
    append_audio: async ({ audio }) => ((await connected('appendAudio').appendAudio(Buffer.from(audio, 'base64'))), { ok: true }),
    interrupt: async () => ((await connected('interrupt').interrupt()), { ok: true }),
    close: async () => {
      if (session !== null) await session.close();
      return { ok: true };
    },
  };

  function connected(operation) {
    if (session === null) throw new Error('not connected');
    if (typeof session[operation] !== 'function') throw new Error(`the session has no ${operation}`);
    return session;
  }

  async function answer(line) {
    let request;
    try {
      request = JSON.parse(line);
    } catch (error) {
      return { id: null, error: { message: `not a JSON request: ${error.message}` } };
    }
    if (request.cmd === 'stop') process.exit(0);
    const current = { id: request.id, cmd: request.cmd, failure: null };
    inFlight = current;
    let reply;
    try {
      const command = commands[request.cmd];
      if (!command) throw new Error(`unknown command ${JSON.stringify(request.cmd)}`);
      reply = await requests.run(current, () => command(request));
      // A turn of the event loop: a rejection the handler left floating surfaces now, while its
      // request is still the one in flight, not during the next one.
      if (!WIRE_COMMANDS.has(request.cmd)) await new Promise((resolve) => setImmediate(resolve));
      if (current.failure) throw current.failure;
      reply = { id: request.id, ...reply };
    } catch (error) {
      reply = { id: request.id, error: { message: String(error?.message ?? error), stack: error?.stack ?? null } };
    }
    inFlight = null;
    return reply;
  }

  // One request at a time, in order: the suite may send several before reading the replies.
  let queue = Promise.resolve();
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    queue = queue.then(async () => write(await answer(line)));
  });
  lines.on('close', () =>
    queue.then(async () => {
      if (session !== null) await Promise.resolve(session.close()).catch(() => {});
      process.exit(0);
    }),
  );
}
