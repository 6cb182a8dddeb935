import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';

export type QueryType = 'A' | 'PTR' | 'AAAA';

export interface DnsAnswer {
  rcode: string;
  /** A addresses or PTR names. */
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
    const started = performance.now();
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
        answers: (response.answers ?? []).flatMap((answer) => (answer.type === type && 'data' in answer ? [String(answer.data)] : [])),
        elapsedMs: performance.now() - started,
      });
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
    socket.send(packet, port, server);
  });
}
