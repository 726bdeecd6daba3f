"""The suite on a live connection: one WebSocket server (:mod:`.server`) under the reference and
scripted servers and the recorder, and the probe that plays the client against any server."""
