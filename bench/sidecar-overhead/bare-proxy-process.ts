// The floor: the least a Node proxy can do — node:http in, undici Pool out, the answer streamed
// back — with no governance at all. What the sidecar adds beyond this is the cost of governing;
// what this adds beyond a direct call is the cost of a second HTTP hop in Node on this machine.
// Argument: the upstream origin. Sends { url } over IPC when ready.
import { createServer } from 'node:http';
import { Pool } from 'undici';

const upstream = process.argv[2];
if (!upstream) {
  process.stderr.write('usage: bare-proxy-process <upstream origin>\n');
  process.exit(2);
}
const pool = new Pool(upstream, { connections: 64 });
const server = createServer(async (req, res) => {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const answer = await pool.request({
      method: 'POST',
      path: req.url ?? '/',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
      body: Buffer.concat(chunks),
    });
    res.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type'] ?? '') });
    for await (const chunk of answer.body) res.write(chunk);
    res.end();
  } catch {
    res.destroy();
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.send?.({ url: `http://127.0.0.1:${address.port}` });
});
process.on('disconnect', () => {
  server.close();
  void pool.close().then(() => process.exit(0));
});
