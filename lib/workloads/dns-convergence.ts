import type { DnsObservation } from '../invariants/dns.js';
import { addressesOf, describeOutcome, type LookupResult } from './nslookup.js';

/**
 * When DNS has caught up with the pods. kubeadm runs two CoreDNS replicas and the cluster DNS
 * Service sends each query to either. Each replica answers from its own state: its own watch of
 * the EndpointSlices (the kubernetes plugin), and its own answer cache where the Corefile caches
 * cluster names (`cache 30`; the Corefile of kubeadm 1.34 exempts cluster.local, older ones and
 * other clusters do not). So one matching answer through the Service proves little: the next query
 * can reach the other replica, which may still answer as before the pod was recreated. DNS has
 * converged when, in `consecutive` rounds in a row, every server (each CoreDNS pod asked directly,
 * and the Service) answered every name with exactly the expected addresses.
 */

/** A name and the addresses it must resolve to now. */
export interface ExpectedRecord {
  readonly name: string;
  readonly addresses: readonly string[];
}

/**
 * What DNS must answer for a StatefulSet's pods: each pod's name its IP, the headless Service
 * every listed pod's IP. A pod without an IP expects nothing, which no answer matches.
 */
export function statefulSetRecords(
  pods: ReadonlyArray<{ name: string; ip: string | undefined }>,
  serviceName: string,
): ExpectedRecord[] {
  return [
    ...pods.map((pod) => ({ name: pod.name, addresses: pod.ip ? [pod.ip] : [] })),
    { name: serviceName, addresses: pods.flatMap((pod) => (pod.ip ? [pod.ip] : [])) },
  ];
}

/** A DNS server to ask: a CoreDNS pod by its IP, or (no address) the resolver of the client's resolv.conf. */
export interface DnsServer {
  /** "CoreDNS coredns-674b8bbfcf-8x2lq 10.244.0.3", "cluster DNS Service 10.96.0.10". */
  readonly label: string;
  /** Given to nslookup as its server; undefined: the nameserver of resolv.conf. */
  readonly address?: string;
}

export interface ConvergenceResult {
  /** Rounds of lookups made, the agreeing ones included. */
  readonly rounds: number;
  readonly consecutive: number;
  /** When the first of the agreeing rounds in a row started (ms since the epoch): DNS had converged by then. */
  readonly convergedAt: number;
  /** When the last round with a wrong answer started: DNS converged after it. Undefined if every round agreed. */
  readonly lastWrongAt?: number;
  /** When the last of them ended: convergence was confirmed. */
  readonly confirmedAt: number;
  /** Every wrong answer seen before convergence, once per server, name and answer: what a single lookup could have hit. */
  readonly disagreements: readonly string[];
}

/** What one lookup of a record via a server saw, for the DNS identity check. */
export function observationOf(record: ExpectedRecord, server: DnsServer, answer: LookupResult): DnsObservation {
  return {
    name: record.name,
    expected: record.addresses,
    resolved: addressesOf(answer),
    outcome: describeOutcome(answer.outcome),
    server: server.label,
  };
}

/** The agreement of one lookup: it expected something and got exactly that. */
export function agrees(observation: DnsObservation): boolean {
  const expected = [...observation.expected].sort().join(',');
  return expected !== '' && expected === [...observation.resolved].sort().join(',');
}

const MAX_DISAGREEMENTS = 30;

/** Counts agreeing rounds in a row; pure, fed one round of lookups at a time. */
export class Convergence {
  private rounds = 0;
  private streak: Array<{ startedAt: number; endedAt: number }> = [];
  private last: readonly DnsObservation[] = [];
  private lastWrongAt?: number;
  private readonly seen = new Set<string>();
  readonly disagreements: string[] = [];

  constructor(readonly consecutive: number) {
    if (!Number.isInteger(consecutive) || consecutive < 1)
      throw new Error(`consecutive must be a whole number >= 1, not ${consecutive}`);
  }

  /** One round: every server asked every name once. A round without lookups agrees with nothing. */
  record(startedAt: number, endedAt: number, lookups: readonly DnsObservation[]): void {
    this.rounds++;
    this.last = lookups;
    if (lookups.length > 0 && lookups.every(agrees)) {
      this.streak.push({ startedAt, endedAt });
      return;
    }
    this.streak = [];
    this.lastWrongAt = startedAt;
    for (const lookup of lookups.filter((candidate) => !agrees(candidate))) {
      const key = `${lookup.server} ${lookup.name} ${lookup.outcome}`;
      if (this.seen.has(key) || this.disagreements.length >= MAX_DISAGREEMENTS) continue;
      this.seen.add(key);
      this.disagreements.push(
        `round ${this.rounds}: ${lookup.server ?? 'default resolver'} answered ${lookup.name} with ${lookup.outcome}` +
          ` (expected ${[...lookup.expected].sort().join(', ') || 'nothing: the pods had no IP'})`,
      );
    }
  }

  get converged(): boolean {
    return this.streak.length >= this.consecutive;
  }

  result(): ConvergenceResult {
    const first = this.streak[0];
    const last = this.streak[this.streak.length - 1];
    if (!this.converged || !first || !last) throw new Error(`DNS has not converged: ${this.describe()}`);
    return {
      rounds: this.rounds,
      consecutive: this.consecutive,
      convergedAt: first.startedAt,
      lastWrongAt: this.lastWrongAt,
      confirmedAt: last.endedAt,
      disagreements: [...this.disagreements],
    };
  }

  /** What each server said in the last round, for a wait's "last observed". */
  describe(): string {
    if (this.rounds === 0) return 'no lookups yet';
    const byServer = new Map<string, DnsObservation[]>();
    for (const lookup of this.last) {
      const server = lookup.server ?? 'default resolver';
      byServer.set(server, [...(byServer.get(server) ?? []), lookup]);
    }
    const servers = [...byServer].map(([server, lookups]) => {
      const wrong = lookups.filter((lookup) => !agrees(lookup));
      if (wrong.length === 0) return `${server}: all ${lookups.length} name(s) as expected`;
      return `${server}: ${wrong
        .map(
          (lookup) =>
            `${lookup.name} -> ${lookup.outcome} (expected ${[...lookup.expected].sort().join(', ') || 'nothing: no pod IP'})`,
        )
        .join(', ')}`;
    });
    return `round ${this.rounds}, ${this.streak.length} of ${this.consecutive} agreeing round(s) in a row; ${servers.join('; ') || 'no lookups'}`;
  }
}

/** A fact for the report, beside the verdict, and the short form that goes into the verdict's `checked`. */
export interface ReportNote {
  readonly title: string;
  readonly facts: Readonly<Record<string, string>>;
  readonly attachment?: { readonly name: string; readonly content: string };
  readonly context: string;
}

/**
 * How long DNS took after `since` (observed at `sinceAt`). Lookups come in rounds, so the time
 * is known to a round: DNS converged after the last round with a wrong answer started (or after
 * `since`, if none had one) and by the time the first agreeing round started. Both bounds are
 * reported; the upper one is "the convergence time".
 */
export function convergenceNote(
  since: string,
  sinceAt: number,
  result: ConvergenceResult,
  servers: readonly DnsServer[],
): ReportNote {
  const upper = Math.max(0, result.convergedAt - sinceAt);
  const lower = result.lastWrongAt === undefined ? 0 : Math.max(0, result.lastWrongAt - sinceAt);
  const confirmed = result.confirmedAt - sinceAt;
  const when =
    result.lastWrongAt === undefined
      ? `DNS converged within ${upper} ms after ${since} (the first round already agreed)`
      : `DNS converged ${lower}-${upper} ms after ${since} (${result.disagreements.length} wrong answer(s) before)`;
  return {
    title: `${when}; ${result.consecutive} agreeing rounds in a row via ${servers.length} servers, confirmed after ${confirmed} ms`,
    facts: {
      [`DNS convergence after ${since} (ms)`]: String(upper),
      [`DNS convergence after ${since}, lower bound (ms)`]: String(lower),
      [`DNS convergence confirmed after ${since} (ms)`]: String(confirmed),
      [`DNS rounds after ${since}`]: String(result.rounds),
      [`wrong DNS answers after ${since}`]: String(result.disagreements.length),
    },
    attachment: {
      name: `DNS convergence after ${since}`,
      content: [
        when,
        `agreeing rounds in a row required: ${result.consecutive}; rounds made: ${result.rounds}; confirmed after ${confirmed} ms`,
        `servers: ${servers.map((server) => server.label).join(', ')}`,
        'wrong answers seen before convergence (what a single lookup could have hit):',
        ...(result.disagreements.length > 0 ? result.disagreements.map((line) => `  ${line}`) : ['  none']),
      ].join('\n'),
    },
    context: `DNS converged within ${upper} ms after ${since}`,
  };
}

/**
 * Whether re-resolving a recreated pod's name exercised a DNS update at all: if the new pod got
 * the old IP back, the old answer is also the right one, and a match proves nothing about DNS
 * following the pod. Not a failure, but the report must say so beside the verdict.
 */
export function ipChangeNote(pod: string, before: string, after: string): ReportNote & { readonly exercised: boolean } {
  const exercised = before !== after;
  return {
    exercised,
    title: exercised
      ? `${pod}'s IP changed from ${before} to ${after}: its DNS record had to follow`
      : `not exercised: ${pod} got the same IP ${after} back, so re-resolving its name proves nothing about DNS updating`,
    facts: {
      [`${pod} IP before deletion`]: before,
      [`${pod} IP after re-creation`]: after,
      [`${pod} IP changed`]: exercised ? 'yes' : 'no: the DNS update was not exercised',
    },
    context: exercised ? `${pod} IP ${before} -> ${after}` : `not exercised: ${pod} got the same IP ${after} back`,
  };
}
