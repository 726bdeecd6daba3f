// The example's wire part: a GA client on a plain WebSocket (the ws package; Node 20 has no global
// WebSocket). One session: connect, configure on session.created, send the user's text or audio,
// answer function calls, cancel on interrupt, close; everything the application sees goes to saw().
import { WebSocket } from 'ws';

// The GA session.update an application writes from the suite's settings (their JSON, snake_case).
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
  return { type: 'session.update', session };
}

export function session(saw) {
  let socket = null;
  let settings = null;
  let responding = false;
  const send = (event) => socket.send(JSON.stringify(event));

  function receive(data) {
    let event;
    try {
      event = JSON.parse(data.toString());
    } catch {
      saw('error', { message: `a frame that is not JSON: ${data.toString().slice(0, 80)}` });
      return;
    }
    if (typeof event !== 'object' || event === null || typeof event.type !== 'string') {
      saw('error', { message: 'a frame that is not an event: no type' });
      return;
    }
    switch (event.type) {
      case 'session.created':
        send(sessionUpdate(settings));
        break;
      case 'response.created':
        responding = true;
        break;
      case 'response.done':
        responding = false;
        break;
      case 'response.output_audio.delta':
        saw('audio', { bytes: Buffer.from(String(event.delta ?? ''), 'base64').length });
        return;
      case 'response.output_audio_transcript.delta':
        saw('transcript', { text: String(event.delta ?? '') });
        return;
      case 'response.output_text.delta':
        saw('text', { text: String(event.delta ?? '') });
        return;
      case 'response.output_item.done':
        if (event.item?.type === 'function_call') answer(event.item);
        break;
      case 'error':
        saw('error', { message: String(event.error?.message ?? 'an error event') });
        return;
      default:
    }
    saw('event', { type: event.type });
  }

  function answer(call) {
    saw('function-call', { call_id: call.call_id, name: call.name, arguments: call.arguments });
    const tool = settings.tools.find((candidate) => candidate.name === call.name);
    const output = tool ? tool.output : JSON.stringify({ error: `no function named ${call.name}` });
    send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: call.call_id, output } });
    send({ type: 'response.create' });
  }

  return {
    async connect(url, wanted) {
      settings = wanted;
      socket = new WebSocket(`${url}/v1/realtime?model=gpt-realtime`, { headers: { Authorization: 'Bearer test-key' } });
      socket.on('message', receive);
      socket.on('close', (code) => saw('closed', { reason: `the socket closed (${code})` }));
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      socket.on('error', (error) => saw('error', { message: error.message }));
    },
    async sendText(text) {
      send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });
      send({ type: 'response.create' });
    },
    async appendAudio(pcm) {
      send({ type: 'input_audio_buffer.append', audio: pcm.toString('base64') });
    },
    async interrupt() {
      if (responding) send({ type: 'response.cancel' });
    },
    async close() {
      if (socket === null || socket.readyState === WebSocket.CLOSED) return;
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.close(1000);
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000))]);
    },
  };
}
