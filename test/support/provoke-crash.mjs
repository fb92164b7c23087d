// Preloaded into a gateway under test (`node --import <this file> dist/gateway/cli.js`): on SIGUSR2
// it provokes the fault named by PROVOKE_CRASH, so a test can show how the process ends from each
// crash path without any hook in the gateway's own code.
//   uncaughtException   an exception thrown from a timer callback
//   unhandledRejection  a promise rejected with nobody listening
//   forwarderLoop       the forwarder's next WAL read throws, so its loop crashes
const kind = process.env.PROVOKE_CRASH;
const walModule = new URL('../../dist/gateway/wal/wal.js', import.meta.url).href;

process.on('SIGUSR2', () => {
  if (kind === 'uncaughtException') {
    setImmediate(() => {
      throw new Error('provoked: uncaught exception');
    });
  } else if (kind === 'unhandledRejection') {
    void Promise.reject(new Error('provoked: unhandled rejection'));
  } else if (kind === 'forwarderLoop') {
    // The same module instance the gateway loaded (ES modules are cached by URL).
    void import(walModule).then(({ Wal }) => {
      const readAfter = Wal.prototype.readAfter;
      Wal.prototype.readAfter = function () {
        Wal.prototype.readAfter = readAfter;
        throw new Error('provoked: the forwarder loop crashed');
      };
    });
  } else {
    throw new Error(`PROVOKE_CRASH must be uncaughtException, unhandledRejection or forwarderLoop, not ${kind}`);
  }
});
