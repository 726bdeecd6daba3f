// The realtime-conformance harness protocol (version 1) for Node.js: one JSON request per line
// on stdin, one JSON reply per line on stdout. `realtime-conformance schema --harness` prints the
// protocol's JSON Schema; this module is all a Node.js harness needs of it.
//
//   import { serve } from './protocol.mjs';
//   serve({
//     name, version, language, dialect, sides, transports,   // what the implementation is
//     nullsDistinct,             // false if its objects cannot tell null from absent (default true)
//     parse(direction, text),    // -> { outcome: 'accepted', eventType, object, modelType? }
//                                //  | { outcome: 'ignored' | 'rejected', eventType?, detail? }
//     dump(direction, object),   // -> the wire JSON (a JSON value) of an object parse accepted
//     buildClient(event),        // -> the wire text the implementation would send for a client event
//   });
//
// Leave out an operation the implementation cannot do and it is declared missing (the checks that
// need it are not-implemented). Any of them may be async. An exception thrown by one becomes an
// error reply: the check in flight fails and the harness goes on. Requests are answered one at a
// time, in order.
import { createInterface } from 'node:readline';

export const PROTOCOL_VERSION = 1;

// Parsed objects kept for dump requests: the suite dumps right after parsing.
const KEPT_HANDLES = 1024;

// What each side of a connection needs, and the operation that provides it.
const NEEDS = [
  ['parse_server', 'client', 'parse'],
  ['dump_server', 'client', 'dump'],
  ['build_client', 'client', 'buildClient'],
  ['parse_client', 'server', 'parse'],
  ['dump_client', 'server', 'dump'],
];

export function describe(implementation) {
  const { name, version, language, dialect = 'ga', sides, transports, nullsDistinct = true } = implementation;
  const missing = NEEDS.filter(
    ([, side, operation]) => sides.includes(side) && typeof implementation[operation] !== 'function',
  ).map(([capability]) => capability);
  return { name, version, language, dialect, sides, transports, missing, nulls_distinct: nullsDistinct };
}

export function serve(implementation) {
  const objects = new Map();
  let handles = 0;

  const commands = {
    start: () => ({ version: PROTOCOL_VERSION, implementation: describe(implementation) }),
    async parse({ direction, text }) {
      const parsed = await implementation.parse(direction, text);
      if (parsed.outcome !== 'accepted') {
        return { outcome: parsed.outcome, event_type: parsed.eventType ?? null, detail: parsed.detail ?? '' };
      }
      const handle = `h${handles++}`;
      objects.set(handle, parsed.object);
      if (objects.size > KEPT_HANDLES) objects.delete(objects.keys().next().value);
      return { outcome: 'accepted', event_type: parsed.eventType, handle, model_type: parsed.modelType ?? null };
    },
    async dump({ direction, handle }) {
      if (!objects.has(handle)) throw new Error(`unknown or forgotten handle ${handle}`);
      return { wire: await implementation.dump(direction, objects.get(handle)) };
    },
    async build_client({ event }) {
      return { text: await implementation.buildClient(event) };
    },
  };

  async function answer(line) {
    let request;
    try {
      request = JSON.parse(line);
    } catch (error) {
      return { id: null, error: { message: `not a JSON request: ${error.message}` } };
    }
    if (request.cmd === 'stop') process.exit(0);
    try {
      const command = commands[request.cmd];
      if (!command) throw new Error(`unknown command ${JSON.stringify(request.cmd)}`);
      return { id: request.id, ...(await command(request)) };
    } catch (error) {
      return { id: request.id, error: { message: String(error?.message ?? error), stack: error?.stack ?? null } };
    }
  }

  // One request at a time, in order: the suite may send several before reading the replies.
  let queue = Promise.resolve();
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    queue = queue.then(async () => process.stdout.write(JSON.stringify(await answer(line)) + '\n'));
  });
  lines.on('close', () => queue.then(() => process.exit(0)));
}
