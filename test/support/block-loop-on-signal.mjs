// Preloaded into a gateway under test (node --import): SIGUSR2 blocks its event loop for
// BLOCK_LOOP_MS (default 1500) with a busy wait, as a stuck synchronous call would. No hook in the
// gateway itself.
process.on('SIGUSR2', () => {
  const until = Date.now() + Number(process.env.BLOCK_LOOP_MS ?? 1500);
  while (Date.now() < until) {
    /* busy: nothing else on the loop runs */
  }
});
