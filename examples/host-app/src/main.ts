import { createHostApp } from './host-app';

// Usage: npm start -w @uaip/example-host-app, then
//   curl -H 'x-api-key: key-of-ada' -H 'content-type: application/json' \
//        -d '{"idea":"Predict churn"}' http://127.0.0.1:4000/scoping/api/sessions
const app = createHostApp({ 'key-of-ada': 'ada', 'key-of-bob': 'bob' });
app.listen(4000, '127.0.0.1', () =>
  console.log('host app on http://127.0.0.1:4000 (API under /scoping/api)'),
);
