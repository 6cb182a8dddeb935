import type { Answer, Packet as DnsMessage } from 'dns-packet';
import { Layer, type DecodedPacket } from '../decode/packet.ts';
import { elapsedMs, type PacketAnalyser } from './analyser.ts';

export interface DnsTransaction {
  client: string;
  server: string;
  id: number;
  name: string;
  queryType: string;
  queryFrame: number;
  timeSec: number;
  /** Absent when no response was seen. */
  responseFrame?: number;
  responseTimeMs?: number;
  rcode?: string;
  /** Answer data as text, e.g. "A 10.0.1.20". */
  answers: string[];
}

export interface MalformedDns {
  frame: number;
  src: string;
  dst: string;
  error: string;
}

export interface DnsSummary {
  queries: number;
  responses: number;
  transactions: DnsTransaction[];
  unanswered: DnsTransaction[];
  malformed: MalformedDns[];
  /** Responses whose query was not in the capture. */
  unmatchedResponses: number;
}

function answerText(answer: Answer): string {
  const data = (answer as { data?: unknown }).data;
  const text = typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('hex') : JSON.stringify(data);
  return `${answer.type} ${text}`;
}

function rcodeOf(message: DnsMessage): string {
  return (message as { rcode?: string }).rcode ?? 'NOERROR';
}

/** Matches DNS queries with responses (client, client port, server, id) and times them. */
export class DnsTransactionAnalyser implements PacketAnalyser<DnsSummary> {
  private readonly pending = new Map<string, DnsTransaction>();
  private readonly done: DnsTransaction[] = [];
  private readonly malformed: MalformedDns[] = [];
  private queries = 0;
  private responses = 0;
  private unmatched = 0;

  onPacket(packet: DecodedPacket): void {
    if ((packet.layers & Layer.dns) === 0) return;
    if (packet.dnsError) {
      this.malformed.push({ frame: packet.index, src: packet.src, dst: packet.dst, error: packet.dnsError });
      return;
    }
    const message = packet.dns;
    if (!message) return;
    const id = message.id ?? 0;
    const isResponse = ((message.flags ?? 0) & 0x8000) !== 0 || message.type === 'response';
    if (!isResponse) {
      this.queries++;
      const question = message.questions?.[0];
      const key = `${packet.src}|${packet.srcPort}|${packet.dst}|${id}`;
      this.pending.set(key, {
        client: packet.src,
        server: packet.dst,
        id,
        name: question?.name ?? '',
        queryType: question?.type ?? '',
        queryFrame: packet.index,
        timeSec: packet.timeSec,
        answers: [],
      });
      return;
    }
    this.responses++;
    const key = `${packet.dst}|${packet.dstPort}|${packet.src}|${id}`;
    const transaction = this.pending.get(key);
    if (!transaction) {
      this.unmatched++;
      return;
    }
    this.pending.delete(key);
    transaction.responseFrame = packet.index;
    transaction.responseTimeMs = elapsedMs(transaction.timeSec, packet.timeSec);
    transaction.rcode = rcodeOf(message);
    transaction.answers = (message.answers ?? []).map(answerText);
    this.done.push(transaction);
  }

  finish(): DnsSummary {
    const unanswered = [...this.pending.values()];
    const transactions = [...this.done, ...unanswered].sort((a, b) => a.queryFrame - b.queryFrame);
    return { queries: this.queries, responses: this.responses, transactions, unanswered, malformed: this.malformed, unmatchedResponses: this.unmatched };
  }
}
