// A minimal harness. The parse part's "implementation" is JSON.parse and JSON.stringify; the wire
// part is a small but real client on a plain WebSocket (wire.mjs). Start a harness for a real
// library from here: replace the operations with calls into it, and leave out the ones it cannot do.
import { serve } from '@realtime-conformance/harness';
import { session } from './wire.mjs';

serve({
  name: 'example-js',
  version: '1.0.0',
  language: 'javascript',
  sides: ['client', 'server'],
  transports: ['websocket', 'webrtc', 'sip'],
  // A model of the protocol (the parse part) and a client (the wire part): judged as the one that asks most.
  class: ['model', 'client'],

  parse(direction, text) {
    let value;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return { outcome: 'rejected', detail: error.message };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof value.type !== 'string') {
      return { outcome: 'rejected', detail: 'not an event: an object with a string type' };
    }
    return { outcome: 'accepted', eventType: value.type, object: value };
  },

  dump(direction, object) {
    return object;
  },

  buildClient(event) {
    return JSON.stringify(event);
  },

  wire: {
    leavesToApplication: {
      playback: 'the example plays no audio: tracking what was played and truncating it is the application\'s',
      sequencing: 'the example sends every response.create it is asked for: keeping one response in flight is the application\'s',
    },
    session,
  },
});
