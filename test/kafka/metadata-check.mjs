// Exit 0 when the broker at argv[2] answers a metadata request within 3 s, else 1.
// broker.sh uses it to tell "started" from "port open".
import Kafka from 'node-rdkafka';

const producer = new Kafka.Producer({ 'metadata.broker.list': process.argv[2], 'log_level': 0 });
const fail = () => process.exit(1);
setTimeout(fail, 3000).unref();
producer.on('event.error', fail);
producer.connect({ timeout: 3000 }, (err, metadata) => {
  if (err || !metadata || metadata.brokers.length === 0) fail();
  producer.disconnect(() => process.exit(0));
});
