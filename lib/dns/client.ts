import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';

export type QueryType = 'A' | 'PTR' | 'AAAA' | 'SRV';

export interface DnsAnswer {
  rcode: string;
  /** A addresses, PTR names, or SRV answers as `priority weight port target` (zone-file order). */
  answers: string[];
  /** Query to response, in milliseconds. */
  elapsedMs: number;
}

/** Sends one DNS query over UDP to a lab server and returns rcode and answers. */
export function queryDns(server: string, name: string, type: QueryType, { timeoutMs = 2000, port = 53 } = {}): Promise<DnsAnswer> {
  const id = Math.floor(Math.random() * 65535);
  const packet = dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }] });
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    let started = 0;
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no DNS answer from ${server} for ${name} ${type} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('message', (message) => {
      const response = dnsPacket.decode(message) as dnsPacket.DecodedPacket & { rcode?: string };
      if (response.id !== id) return;
      clearTimeout(timer);
      socket.close();
      resolve({
        rcode: response.rcode ?? 'NOERROR',
        answers: (response.answers ?? []).flatMap((answer) => (answer.type === type && 'data' in answer ? [answerText(answer.data)] : [])),
        elapsedMs: performance.now() - started,
      });
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
    // Bind first so the timer covers the query and its answer, not the socket's set-up.
    socket.bind(0, () => {
      started = performance.now();
      socket.send(packet, port, server);
    });
  });
}

/** An answer's data as text; SRV data is an object, written as in a zone file. */
function answerText(data: unknown): string {
  if (typeof data === 'object' && data !== null && 'target' in data) {
    const srv = data as dnsPacket.SrvData;
    return `${srv.priority ?? 0} ${srv.weight ?? 0} ${srv.port} ${srv.target}`;
  }
  return String(data);
}

/**
 * Times `count` sequential A queries for one name over a single bound socket, so each figure is
 * the server's query-to-answer time plus the wire, not socket set-up. Returns milliseconds.
 */
export async function timeDnsQueries(server: string, name: string, count: number, { timeoutMs = 2000, port = 53 } = {}): Promise<number[]> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, resolve));
  const times: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const id = (i * 7919 + 1) % 65536;
      const packet = dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name }] });
      times.push(
        await new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no DNS answer from ${server} for ${name} within ${timeoutMs} ms`)), timeoutMs);
          const onMessage = (message: Buffer) => {
            if (dnsPacket.decode(message).id !== id) return;
            clearTimeout(timer);
            socket.off('message', onMessage);
            resolve(performance.now() - started);
          };
          socket.on('message', onMessage);
          const started = performance.now();
          socket.send(packet, port, server);
        }),
      );
    }
    return times;
  } finally {
    socket.close();
  }
}
