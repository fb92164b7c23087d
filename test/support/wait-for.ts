// One waitFor for tests and the bench (which ships and cannot import from test/).
export { waitFor, type WaitOptions } from '../../bench/wait-for.js';
