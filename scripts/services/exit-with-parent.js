/**
 * Preloaded (`node --require`) into the processes `npm start` supervises: when the supervisor is gone, however it
 * went (even SIGKILL, which it cannot handle), its IPC channel closes and this process stops as on SIGTERM, so no
 * worker or API is left running on its own. Plain JavaScript: it also loads into worker threads, where no
 * TypeScript loader runs (and where it has nothing to do).
 */
const { isMainThread } = require('node:worker_threads');

if (isMainThread && process.send) {
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  // Listening for 'disconnect' would keep the process alive by itself: it still exits when its work is done.
  if (process.channel) process.channel.unref();
}
