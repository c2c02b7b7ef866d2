#!/usr/bin/env node
// Starts kinesalite in memory on 127.0.0.1 only (its own CLI listens on every address) and
// prints "Listening at http://127.0.0.1:PORT" once it accepts connections.
// Usage: node serve.js [--port N (0: any free port)] [--createStreamMs MS] [--shardLimit N]
'use strict'
var argv = {}
for (var i = 2; i + 1 < process.argv.length; i += 2) {
  argv[process.argv[i].replace(/^--/, '')] = process.argv[i + 1]
}
var kinesalite = require('kinesalite')

if (process.pid == 1) process.on('SIGINT', process.exit)
process.on('SIGTERM', function() { process.exit(0) })
// kinesalite rethrows a request's 'error' event: a client killed in the middle of a request
// (the SIGKILL tests) would kill the server. Such an aborted request is only logged.
process.on('uncaughtException', function(err) {
  if (err && (err.code == 'ECONNRESET' || err.message == 'aborted')) {
    console.error('kinesalite: request aborted by the client (%s)', err.code || err.message)
    return
  }
  console.error(err)
  process.exit(1)
})

var server = kinesalite({
  createStreamMs: argv.createStreamMs != null ? +argv.createStreamMs : 0,
  deleteStreamMs: argv.deleteStreamMs != null ? +argv.deleteStreamMs : 0,
  updateStreamMs: argv.updateStreamMs != null ? +argv.updateStreamMs : 0,
  shardLimit: argv.shardLimit != null ? +argv.shardLimit : 50,
})
server.listen(argv.port != null ? +argv.port : 0, '127.0.0.1', function() {
  var address = server.address()
  console.log('Listening at http://%s:%s', address.address, address.port)
})
