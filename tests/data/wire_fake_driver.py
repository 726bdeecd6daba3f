"""A stand-in wire harness for the isolation tests: it speaks the wire part of the harness protocol
(docs/harness.md), connects for real, and then misbehaves on ``send_text`` as its first argument
says: ``crash`` (exits with code 3) or ``hang`` (never answers)."""

import json
import sys
import time

from websockets.sync.client import connect

mode = sys.argv[1]
socket = None
IMPLEMENTATION = {"name": "fake", "version": "test", "language": "python", "sides": ["client"], "transports": ["websocket"], "class": "client", "wire": {}}


def write(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


for line in sys.stdin:
    request = json.loads(line)
    if request["cmd"] == "start":
        write({"id": request["id"], "version": 2, "implementation": IMPLEMENTATION})
    elif request["cmd"] == "connect":
        socket = connect(request["url"] + "/v1/realtime", open_timeout=5)
        write({"id": request["id"], "ok": True})
    elif request["cmd"] == "send_text":
        if mode == "crash":
            sys.exit(3)
        time.sleep(3600)
    elif request["cmd"] == "close":
        if socket is not None:
            socket.close()
        write({"id": request["id"], "ok": True})
    elif request["cmd"] == "stop":
        break
