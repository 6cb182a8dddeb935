import type { DnsMessage } from '../../capture/decode/dns-message.ts';
import { Layer, type DecodedPacket } from '../../capture/decode/packet.ts';
import { formatEpoch } from '../../capture/read/timestamp-scale.ts';
import { elapsedNs, EVENT_LIMIT, PENDING_LIMIT, RESERVOIR_SIZE, type PacketAnalyser } from './analyser.ts';
import { EventList, evictOldest, Reservoir } from './bounded.ts';

export interface DnsTransaction {
  client: string;
  clientPort: number;
  server: string;
  id: number;
  /** Empty when the query was cut before its question. */
  name: string;
  queryType: string;
  queryFrame: number;
  queryTime: string;
  /** Absent when no response was seen. */
  responseFrame?: number;
  /** Exact response time in integer nanoseconds (responseTimeMs: the same in ms). */
  responseTimeNs?: number;
  responseTimeMs?: number;
  rcode?: string;
  /** Answer records in presentation format: "A 10.0.1.20", "MX 10 mail.lab", "TXT \"v=1\"". */
  answers: string[];
  /** The same query (client, port, id) sent again before the answer. */
  retransmissions: number;
  /** Query or response was cut by the snap length; matched by ID all the same. */
  cut?: boolean;
}

/** A frame on port 53 whose DNS message could not be read to its end. */
export interface DnsFrameProblem {
  frame: number;
  src: string;
  dst: string;
  problem: string;
}

export interface DnsSummary {
  /** Queries and responses whose header could be read, cut ones included; malformed ones are not counted. */
  queries: number;
  responses: number;
  /** Every transaction counted; `transactions` lists the first EVENT_LIMIT of them. */
  transactionCount: number;
  transactions: DnsTransaction[];
  unansweredCount: number;
  unanswered: DnsTransaction[];
  /** Lengths that point past the message (tshark: Malformed Packet). */
  malformed: DnsFrameProblem[];
  malformedCount: number;
  /** Cut by the snap length (tshark: Packet size limited during capture): still counted and matched. */
  short: DnsFrameProblem[];
  shortCount: number;
  /** Responses whose query was not in the capture. */
  unmatchedResponses: number;
  /** Response times in ms, a uniform sample of every answered query, for charts. */
  responseTimeSampleMs: number[];
  /** Addresses each name was answered with (A/AAAA), for checking answers against the lab's nodes. */
  answeredAddresses: Record<string, string[]>;
}

interface Pending extends DnsTransaction {
  tsSec: number;
  tsNs: number;
}

const ADDRESS_NAMES_LIMIT = 10_000;

/** Matches DNS queries with responses (client, client port, server, id) and times them exactly. */
export class DnsTransactionAnalyser implements PacketAnalyser<DnsSummary> {
  private readonly pending = new Map<string, Pending>();
  private readonly done = new EventList<DnsTransaction>(EVENT_LIMIT);
  private readonly unanswered = new EventList<DnsTransaction>(EVENT_LIMIT);
  private readonly malformed = new EventList<DnsFrameProblem>(EVENT_LIMIT);
  private readonly short = new EventList<DnsFrameProblem>(EVENT_LIMIT);
  private readonly times = new Reservoir(RESERVOIR_SIZE, 7);
  private readonly addresses = new Map<string, Set<string>>();
  private queries = 0;
  private responses = 0;
  private unmatched = 0;

  onPacket(packet: DecodedPacket): void {
    if ((packet.layers & Layer.dns) === 0) return;
    const problem = { frame: packet.index, src: packet.src, dst: packet.dst, problem: packet.problem };
    if (packet.malformed) this.malformed.push(problem);
    else if (packet.short) this.short.push(problem);
    const message = packet.dns;
    // A malformed message is listed above, not counted: its ID may be garbage (tshark marks it the same way).
    if (!message || packet.malformed) return;
    if (message.isResponse) this.onResponse(packet, message);
    else this.onQuery(packet, message);
  }

  private onQuery(packet: DecodedPacket, message: DnsMessage): void {
    this.queries++;
    const key = `${packet.src}|${packet.srcPort}|${packet.dst}|${message.id}`;
    const earlier = this.pending.get(key);
    if (earlier) {
      earlier.retransmissions++;
      return;
    }
    const question = message.questions[0];
    this.pending.set(key, {
      client: packet.src,
      clientPort: packet.srcPort,
      server: packet.dst,
      id: message.id,
      name: question?.name ?? '',
      queryType: question?.type ?? '',
      queryFrame: packet.index,
      queryTime: formatEpoch(packet.tsSec, packet.tsNs),
      answers: [],
      retransmissions: 0,
      ...(packet.short ? { cut: true } : {}),
      tsSec: packet.tsSec,
      tsNs: packet.tsNs,
    });
    evictOldest(this.pending, PENDING_LIMIT, (old) => this.unanswered.push(this.plain(old)));
  }

  private onResponse(packet: DecodedPacket, message: DnsMessage): void {
    this.responses++;
    const key = `${packet.dst}|${packet.dstPort}|${packet.src}|${message.id}`;
    const transaction = this.pending.get(key);
    if (!transaction) {
      this.unmatched++;
      return;
    }
    this.pending.delete(key);
    const responseTimeNs = elapsedNs(transaction, packet);
    transaction.responseFrame = packet.index;
    transaction.responseTimeNs = responseTimeNs;
    transaction.responseTimeMs = responseTimeNs / 1e6;
    transaction.rcode = message.rcode;
    transaction.answers = message.answers.map((a) => `${a.type} ${a.data}`);
    if (!transaction.name && message.questions[0]) {
      transaction.name = message.questions[0].name;
      transaction.queryType = message.questions[0].type;
    }
    if (packet.short) transaction.cut = true;
    this.times.add(responseTimeNs);
    this.noteAddresses(message);
    this.done.push(this.plain(transaction));
  }

  private noteAddresses(message: DnsMessage): void {
    for (const answer of message.answers) {
      if (answer.type !== 'A' && answer.type !== 'AAAA') continue;
      let set = this.addresses.get(answer.name);
      if (!set) {
        if (this.addresses.size >= ADDRESS_NAMES_LIMIT) continue;
        set = new Set();
        this.addresses.set(answer.name, set);
      }
      if (set.size < 16) set.add(answer.data);
    }
  }

  private plain(pending: Pending): DnsTransaction {
    const { tsSec: _s, tsNs: _n, ...transaction } = pending;
    return transaction;
  }

  finish(): DnsSummary {
    for (const left of this.pending.values()) this.unanswered.push(this.plain(left));
    this.pending.clear();
    const transactions = [...this.done.items, ...this.unanswered.items].sort((a, b) => a.queryFrame - b.queryFrame).slice(0, EVENT_LIMIT);
    return {
      queries: this.queries,
      responses: this.responses,
      transactionCount: this.done.total + this.unanswered.total,
      transactions,
      unansweredCount: this.unanswered.total,
      unanswered: this.unanswered.items,
      malformed: this.malformed.items,
      malformedCount: this.malformed.total,
      short: this.short.items,
      shortCount: this.short.total,
      unmatchedResponses: this.unmatched,
      responseTimeSampleMs: this.times.sample.map((ns) => ns / 1e6),
      answeredAddresses: Object.fromEntries([...this.addresses].map(([name, set]) => [name, [...set]])),
    };
  }
}
