// A deliberately broken harness (conformance/broken/harnesses.py): JSON.parse as the library, whose
// parse of a response.output_text.delta answers at once but leaves a rejected promise behind, as an
// async listener that throws does. The protocol helper must blame that request, not the next one.
// It imports the helper by path: it is the suite's own test subject, with nothing to install.
// `node fails-after-reply.mjs intact` is the same harness without the defect, to compare with.
import { serve } from '../protocol/index.mjs';

const intact = process.argv[2] === 'intact';

async function listener(event) {
  throw new TypeError(`Cannot read properties of undefined (reading 'delta') in a listener of ${event.type}`);
}

serve({
  name: 'fails-after-reply',
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
    if (typeof value !== 'object' || value === null || typeof value.type !== 'string') return { outcome: 'rejected', detail: 'no type' };
    if (value.type === 'response.output_text.delta' && !intact) listener(value); // not awaited: it rejects after the reply is made
    return { outcome: 'accepted', eventType: value.type, object: value };
  },
  dump: (direction, object) => object,
  buildClient: (event) => JSON.stringify(event),
});
