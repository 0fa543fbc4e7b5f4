import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'node:http';
import { prepareTable } from '../helpers/table';
import { startTestApi, type TestApi } from '../helpers/api';

/** A 413 is answered and the connection closed cleanly: no later request is lost. */
let api: TestApi;
beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
});
afterAll(async () => api?.close());

function call(agent: Agent | undefined, method: string, path: string, body?: Buffer): Promise<{ status: number; connection?: string; text: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, api.url);
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method, agent, headers: body ? { 'content-type': 'application/json', 'content-length': body.length } : {} },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('bodies over the limit on the local server', () => {
  it('the next request on a keep-alive connection after a 413 is answered', async () => {
    // Prepare
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const big = Buffer.alloc(300 * 1024, 0x20);
    const results: number[] = [];
    // Act
    for (let i = 0; i < 10; i++) {
      results.push((await call(agent, 'POST', '/problems', big)).status);
      results.push((await call(agent, 'GET', '/health')).status);
    }
    agent.destroy();
    // Assess
    expect(results).toEqual(Array.from({ length: 10 }, () => [413, 200]).flat());
  });

  it('2 MB and 7 MB bodies on fresh connections get the 413, not a transport error; past the gateway limit the connection closes', async () => {
    // Act: 2 MB passes the gateway (as deployed, up to Lambda's 6 MB) and the handler answers 413;
    // 7 MB is past it, so the server itself answers and closes the connection.
    const under = await Promise.all(Array.from({ length: 3 }, () => call(undefined, 'POST', '/problems', Buffer.alloc(2 * 1024 * 1024, 0x20))));
    const over = await Promise.all(Array.from({ length: 3 }, () => call(undefined, 'POST', '/problems', Buffer.alloc(7 * 1024 * 1024, 0x20))));
    // Assess
    for (const r of [...under, ...over]) {
      expect(r.status).toBe(413);
      expect(JSON.parse(r.text).error.code).toBe('PAYLOAD_TOO_LARGE');
    }
    for (const r of over) expect(r.connection).toBe('close');
  });
});
