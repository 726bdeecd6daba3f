// A minimal harness: the "implementation" is JSON.parse and JSON.stringify. Start a harness for a
// real library from here: replace the three operations with calls into it, and leave out the ones
// it cannot do.
import { serve } from './protocol.mjs';

serve({
  name: 'example-js',
  version: '1.0.0',
  language: 'javascript',
  sides: ['client', 'server'],
  transports: ['websocket', 'webrtc', 'sip'],

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
});
