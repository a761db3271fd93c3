// The benchmark's upstream, in a process of its own so it neither shares an event loop with the
// load generator nor counts in the sidecar's memory. Sends { url, baseUrl } over IPC when ready;
// forgets served calls every second (the mock records them all); exits when the parent goes.
import { startMockLlm } from '../../testing/mock-llm.js';

const mock = await startMockLlm({ host: '127.0.0.1', port: 0 });
setInterval(() => mock.reset(), 1_000).unref();
process.send?.({ url: mock.url, baseUrl: mock.baseUrl });
process.on('disconnect', () => {
  void mock.close().then(() => process.exit(0));
});
