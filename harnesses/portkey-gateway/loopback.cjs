'use strict';
// realtime-conformance: keeps Portkey's gateway on this machine while the suite probes through it
// (conformance/implementations/portkey_gateway/launcher.py preloads this file with `node --require`).
//
// The gateway has no option for its listening address: build/start-server.js calls
// serve({fetch, port}) without a hostname, so Node would listen on every interface. This file
//   * makes every TCP server listen on 127.0.0.1 only, and writes each address it listens on (one
//     JSON line) to $REALTIME_CONFORMANCE_ADDRESS_FILE, which is how the launcher learns the port
//     the system picked for --port=0;
//   * refuses every outgoing TCP connection to a host that is not loopback, saying so on stderr,
//     so that whatever the gateway is asked to do, nothing it does reaches beyond this machine.
// It changes nothing else: the gateway's code runs as published.

const fs = require('node:fs');
const net = require('node:net');

const LOOPBACK = '127.0.0.1';
if (typeof net._normalizeArgs !== 'function') throw new Error('realtime-conformance: this Node.js has no net._normalizeArgs; loopback.cjs cannot guard connections');
const addressFile = process.env.REALTIME_CONFORMANCE_ADDRESS_FILE;

function isLoopback(host) {
  if (host === undefined || host === null || host === '') return true; // Node's default: localhost
  const name = String(host).toLowerCase().replace(/^\[|\]$/g, '');
  return name === 'localhost' || name === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function loopbackListen(...args) {
  const callback = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
  let options;
  if (args[0] !== null && typeof args[0] === 'object' && args[0].path === undefined && args[0].handle === undefined && args[0].fd === undefined && args[0]._handle === undefined) {
    options = { ...args[0] };
  } else if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0])) || args[0] === undefined || args[0] === null) {
    options = { port: args[0] === undefined || args[0] === null ? 0 : Number(args[0]) };
    const backlog = args.slice(1).find((value) => typeof value === 'number');
    if (backlog !== undefined) options.backlog = backlog;
  } else {
    // A Unix socket path, a handle or a file descriptor: not a network address.
    return listen.apply(this, callback ? [...args, callback] : args);
  }
  options.host = LOOPBACK;
  this.once('listening', () => {
    const address = this.address();
    if (addressFile && address && typeof address === 'object') {
      fs.appendFileSync(addressFile, JSON.stringify({ address: address.address, port: address.port }) + '\n');
    }
  });
  return callback ? listen.call(this, options, callback) : listen.call(this, options);
};

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function loopbackConnect(...args) {
  const normalized = Array.isArray(args[0]) ? args[0] : net._normalizeArgs(args);
  const options = normalized[0] || {};
  if (options.path === undefined && !isLoopback(options.host)) {
    const message = `realtime-conformance: refused a connection to ${options.host}:${options.port} (only loopback is allowed)`;
    process.stderr.write(message + '\n');
    const error = Object.assign(new Error(message), { code: 'ECONNREFUSED' });
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return connect.apply(this, args);
};
