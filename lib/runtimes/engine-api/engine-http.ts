import { request } from 'node:http';

/**
 * One GET on the engine's unix socket, answered as JSON. For the calls a read-only command
 * makes (ping, list containers): loading dockerode costs a CLI start-up ~0.1–0.6 s.
 */
export function engineGet<T>(socketPath: string, path: string, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET', headers: { Host: 'docker' }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 500) >= 400) return reject(Object.assign(new Error(`engine answered ${res.statusCode} to GET ${path}: ${body.trim()}`), { statusCode: res.statusCode }));
        try {
          resolve((body.trim() === 'OK' ? body : JSON.parse(body)) as T);
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`engine did not answer GET ${path} within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end();
  });
}
