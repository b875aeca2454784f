import type { AddressInfo } from 'node:net';
import { createHostApp } from './host-app';

// Usage: npm start -w @uaip/example-host-app (PORT and HOST say where; 4000 and 127.0.0.1 by
// default), then
//   curl -H 'x-api-key: key-of-ada' -H 'content-type: application/json' \
//        -d '{"idea":"Predict churn"}' http://127.0.0.1:4000/scoping/api/sessions
const port = Number(process.env.PORT ?? 4000);
const host = process.env.HOST ?? '127.0.0.1';
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be a whole number from 0 to 65535, not "${process.env.PORT}"`);
  process.exit(1);
}
const app = createHostApp({ 'key-of-ada': 'ada', 'key-of-bob': 'bob' });
const server = app.listen(port, host, () => {
  // PORT=0 picks a free port: say which one.
  const { port: bound } = server.address() as AddressInfo;
  console.log(`host app on http://${host}:${bound} (API under /scoping/api)`);
});
server.on('error', (error) => {
  console.error(`cannot listen on ${host}:${port}: ${error.message}`);
  process.exit(1);
});
