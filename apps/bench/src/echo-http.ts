// Baseline: a raw node:http server that answers a JSON POST with its body. Started by bench.ts with
// `node --import tsx`, like the ticket server, on PORT (and HOST).
import { createServer } from 'node:http';

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    // Parsed and serialised again, as a JSON API would.
    const text = Buffer.concat(chunks).toString('utf8');
    const body = JSON.stringify(text === '' ? {} : (JSON.parse(text) as unknown));
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(body);
  });
});

server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  console.log(`echo-http: listening on http://127.0.0.1:${port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
