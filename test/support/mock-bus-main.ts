import { EmbeddedBus } from '../../gateway/sinks/kafka/embedded-bus.js';

// Hosts librdkafka's mock cluster in a process of its own, so a test can freeze it (SIGSTOP) and
// thaw it (SIGCONT) like a broker that stops answering. Prints the bootstrap address.
const bus = new EmbeddedBus();
await bus.start();
const bootstrap = bus.bootstrap;
process.stdout.write(`${JSON.stringify({ bootstrap })}\n`);
process.on('SIGTERM', () => void bus.stop().then(() => process.exit(0)));
setInterval(() => {}, 1 << 30);
