#!/usr/bin/env node
import { runCli } from './cli/program.js';

// `edge-gateway [command]`; the commands are in gateway/cli/, one file each. After `start` the
// process lives on (the gateway); every other command ends with its exit code.
const code = await runCli(process.argv.slice(2));
if (code !== undefined) process.exitCode = code;
