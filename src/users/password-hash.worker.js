'use strict';
// bcrypt in a worker thread of PasswordHasher's pool (piscina), which runs its workers at a lower
// scheduling priority than the event loop: under a storm of logins the CPU goes to bcrypt only
// when requests are not waiting for it, so every other route keeps its latency.
//
// Plain JavaScript, like the embedded database's worker: it is loaded by the worker thread
// outside of any TypeScript or Jest module system. The synchronous calls are the point: this
// thread exists to run them (bcrypt's async calls would go to libuv's pool at normal priority).
const bcrypt = require('bcrypt');

/** @param {{ op: 'hash', password: string, rounds: number } | { op: 'compare', password: string, hash: string }} task */
module.exports = function passwordHashTask(task) {
  return task.op === 'hash'
    ? bcrypt.hashSync(task.password, task.rounds)
    : bcrypt.compareSync(task.password, task.hash);
};
