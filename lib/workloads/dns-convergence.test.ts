import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dnsMatchesPods } from '../invariants/dns.js';
import type { DnsObservation } from '../invariants/dns.js';
import {
  agrees,
  Convergence,
  convergenceNote,
  ipChangeNote,
  observationOf,
  statefulSetRecords,
} from './dns-convergence.js';
import { parseNslookup } from './nslookup.js';

const WEB_1 = 'web-1.web.sts-dns.svc.cluster.local';
const WEB = 'web.sts-dns.svc.cluster.local';
const SERVICE = 'cluster DNS Service 10.96.0.10';
const COREDNS_A = 'CoreDNS coredns-a 10.244.0.2';
const COREDNS_B = 'CoreDNS coredns-b 10.244.0.3';
const OLD = '10.244.2.5';
const NEW = '10.244.2.7';

function lookup(server: string, name: string, expected: string[], resolved: string[]): DnsObservation {
  return { server, name, expected, resolved, outcome: resolved.join(', ') || 'NXDOMAIN' };
}

/** One round after web-1 was recreated; `staleOn` still answers web-1 with its old IP. */
function round(staleOn: string[] = []): DnsObservation[] {
  return [SERVICE, COREDNS_A, COREDNS_B].flatMap((server) => [
    lookup(server, WEB_1, [NEW], [staleOn.includes(server) ? OLD : NEW]),
    lookup(server, WEB, ['10.244.1.4', NEW], ['10.244.1.4', staleOn.includes(server) ? OLD : NEW]),
  ]);
}

describe('Convergence', () => {
  it('converges after that many agreeing rounds in a row, timed from the first of them', () => {
    const convergence = new Convergence(3);
    convergence.record(1000, 1900, round([COREDNS_B]));
    convergence.record(2400, 3300, round());
    expect(convergence.converged).toBe(false);
    convergence.record(3800, 4700, round());
    convergence.record(5200, 6100, round());
    expect(convergence.converged).toBe(true);
    expect(convergence.result()).toEqual({
      rounds: 4,
      consecutive: 3,
      convergedAt: 2400,
      lastWrongAt: 1000,
      confirmedAt: 6100,
      disagreements: [
        `round 1: ${COREDNS_B} answered ${WEB_1} with ${OLD} (expected ${NEW})`,
        `round 1: ${COREDNS_B} answered ${WEB} with 10.244.1.4, ${OLD} (expected 10.244.1.4, ${NEW})`,
      ],
    });
  });

  it('starts counting again when one replica answers from its cache between agreeing rounds', () => {
    const convergence = new Convergence(3);
    convergence.record(0, 1, round());
    convergence.record(2, 3, round());
    convergence.record(4, 5, round([COREDNS_A]));
    convergence.record(6, 7, round());
    convergence.record(8, 9, round());
    expect(convergence.converged).toBe(false);
    expect(convergence.describe()).toBe(
      `round 5, 2 of 3 agreeing round(s) in a row; ${SERVICE}: all 2 name(s) as expected; ${COREDNS_A}: all 2 name(s) as expected; ${COREDNS_B}: all 2 name(s) as expected`,
    );
    convergence.record(10, 11, round());
    expect(convergence.result().convergedAt).toBe(6);
  });

  it('says what each server last answered wrongly', () => {
    const convergence = new Convergence(2);
    convergence.record(0, 1, round([SERVICE]));
    expect(convergence.describe()).toBe(
      `round 1, 0 of 2 agreeing round(s) in a row; ${SERVICE}: ${WEB_1} -> ${OLD} (expected ${NEW}), ${WEB} -> 10.244.1.4, ${OLD} (expected 10.244.1.4, ${NEW}); ${COREDNS_A}: all 2 name(s) as expected; ${COREDNS_B}: all 2 name(s) as expected`,
    );
    expect(() => convergence.result()).toThrow(/DNS has not converged: round 1/);
  });

  it('lists a wrong answer once however often it recurs', () => {
    const convergence = new Convergence(1);
    convergence.record(0, 1, round([COREDNS_B]));
    convergence.record(2, 3, round([COREDNS_B]));
    convergence.record(4, 5, round());
    expect(convergence.result().disagreements).toHaveLength(2);
  });

  it('an NXDOMAIN (negative cache) or a pod without an IP never agrees, nor does an empty round', () => {
    expect(agrees(lookup(SERVICE, WEB_1, [NEW], []))).toBe(false);
    expect(agrees(lookup(SERVICE, WEB_1, [], []))).toBe(false);
    expect(agrees(lookup(SERVICE, WEB, ['10.244.1.4', NEW], [NEW, '10.244.1.4']))).toBe(true);
    const convergence = new Convergence(1);
    convergence.record(0, 1, []);
    expect(convergence.converged).toBe(false);
  });

  it('refuses a count below one', () => {
    expect(() => new Convergence(0)).toThrow(/whole number >= 1/);
  });
});

describe('convergenceNote', () => {
  const servers = [
    { label: SERVICE },
    { label: COREDNS_A, address: '10.244.0.2' },
    { label: COREDNS_B, address: '10.244.0.3' },
  ];

  it('bounds the convergence time by the last wrong round and the first agreeing one', () => {
    const convergence = new Convergence(3);
    convergence.record(10_400, 11_300, round([COREDNS_B]));
    for (const at of [11_800, 13_200, 14_600]) convergence.record(at, at + 900, round());
    const note = convergenceNote("web-1's new pod was Ready", 10_000, convergence.result(), servers);
    expect(note.title).toBe(
      "DNS converged 400-1800 ms after web-1's new pod was Ready (2 wrong answer(s) before); 3 agreeing rounds in a row via 3 servers, confirmed after 5500 ms",
    );
    expect(note.facts).toEqual({
      "DNS convergence after web-1's new pod was Ready (ms)": '1800',
      "DNS convergence after web-1's new pod was Ready, lower bound (ms)": '400',
      "DNS convergence confirmed after web-1's new pod was Ready (ms)": '5500',
      "DNS rounds after web-1's new pod was Ready": '4',
      "wrong DNS answers after web-1's new pod was Ready": '2',
    });
    expect(note.attachment?.content).toContain(`round 1: ${COREDNS_B} answered ${WEB_1} with ${OLD}`);
    expect(note.context).toBe("DNS converged within 1800 ms after web-1's new pod was Ready");
  });

  it('says when the first round already agreed: the time is then only an upper bound', () => {
    const convergence = new Convergence(3);
    for (const at of [10_018, 11_400, 12_800]) convergence.record(at, at + 900, round());
    const note = convergenceNote("web-1's new pod was Ready", 10_000, convergence.result(), servers);
    expect(note.title).toMatch(
      /^DNS converged within 18 ms after web-1's new pod was Ready \(the first round already agreed\)/,
    );
    expect(note.attachment?.content).toContain('  none');
  });
});

describe('ipChangeNote', () => {
  it('a new IP: the re-resolution exercised a DNS update', () => {
    expect(ipChangeNote('web-1', '10.244.0.29', '10.244.0.33')).toMatchObject({
      exercised: true,
      title: "web-1's IP changed from 10.244.0.29 to 10.244.0.33: its DNS record had to follow",
      facts: { 'web-1 IP changed': 'yes' },
    });
  });

  it('the same IP back: says "not exercised", which is not a failure', () => {
    const note = ipChangeNote('web-1', '10.244.0.29', '10.244.0.29');
    expect(note.exercised).toBe(false);
    expect(note.title).toBe(
      'not exercised: web-1 got the same IP 10.244.0.29 back, so re-resolving its name proves nothing about DNS updating',
    );
    expect(note.facts['web-1 IP changed']).toBe('no: the DNS update was not exercised');
    expect(note.context).toBe('not exercised: web-1 got the same IP 10.244.0.29 back');
  });
});

/** busybox output recorded with one server asked by IP, namespace "rec-dns-scratch" (see nslookup.test.ts). */
const recorded = (name: string) =>
  readFileSync(new URL(`./testdata/busybox-1.35-nslookup-server-${name}.txt`, import.meta.url), 'utf8');

describe('observationOf, from recorded busybox output to a DNS identity verdict', () => {
  const REC = 'rec-dns-scratch';
  const replica = { label: 'CoreDNS coredns-66bc5c9577-t29cf 10.244.0.2', address: '10.244.0.2' };
  const other = { label: 'CoreDNS coredns-66bc5c9577-gp9pk 10.244.0.3', address: '10.244.0.3' };
  const webOne = { name: `web-1.web.${REC}.svc.cluster.local`, addresses: ['10.244.0.11'] };
  const api = { name: 'kubernetes.default.svc.cluster.local', addresses: ['10.96.0.1'] };
  const observe = (record: typeof webOne, server: typeof replica, output: string) =>
    observationOf(record, server, parseNslookup(record.name, recorded(output)));

  it('a replica answering with the pod IP, and the control name: holds', () => {
    const observation = observe(webOne, replica, 'pod');
    expect(observation).toEqual({
      name: webOne.name,
      expected: ['10.244.0.11'],
      resolved: ['10.244.0.11'],
      outcome: '10.244.0.11',
      server: replica.label,
    });
    expect(dnsMatchesPods([observation], { control: [observe(api, replica, 'control')] }).outcome).toBe('holds');
  });

  it('a replica that still has the old IP (recorded answer, newer pod IP expected): dns-answer-mismatch naming it', () => {
    const result = dnsMatchesPods([observe({ ...webOne, addresses: ['10.244.0.33'] }, replica, 'pod')], {
      control: [observe(api, replica, 'control')],
    });
    expect(result.violations).toEqual([
      {
        kind: 'dns-answer-mismatch',
        message: `${webOne.name} resolved to 10.244.0.11 (asked ${replica.label}): expected 10.244.0.33`,
      },
    ]);
  });

  it('NXDOMAIN while the same replica answers the control name: violated', () => {
    const nx = { name: `web-7.web.${REC}.svc.cluster.local`, addresses: ['10.244.0.50'] };
    const result = dnsMatchesPods([observe(nx, replica, 'nxdomain')], { control: [observe(api, replica, 'control')] });
    expect(result.outcome).toBe('violated');
    expect(result.violations[0]?.message).toBe(
      `${nx.name} resolved to NXDOMAIN (asked ${replica.label}): expected 10.244.0.50`,
    );
  });

  it('NXDOMAIN while the control lookup of that server went unanswered: inconclusive', () => {
    const nx = { name: `web-7.web.${REC}.svc.cluster.local`, addresses: ['10.244.0.50'] };
    const result = dnsMatchesPods([observe(nx, replica, 'nxdomain'), observe(nx, other, 'nxdomain')], {
      control: [observe(api, replica, 'control'), observe(api, other, 'unreachable')],
    });
    expect(result.outcome).toBe('inconclusive');
    expect(result.unobserved).toEqual([
      `the control name ${api.name} resolved to no DNS server reachable (asked ${other.label}): expected 10.96.0.1; DNS is not answering as it must, so what it says of the pods proves nothing`,
    ]);
  });
});

describe('statefulSetRecords', () => {
  it('gives each pod its IP and the Service every IP; a pod without an IP expects nothing', () => {
    expect(
      statefulSetRecords(
        [
          { name: 'web-0.web', ip: '10.0.0.1' },
          { name: 'web-1.web', ip: undefined },
        ],
        'web',
      ),
    ).toEqual([
      { name: 'web-0.web', addresses: ['10.0.0.1'] },
      { name: 'web-1.web', addresses: [] },
      { name: 'web', addresses: ['10.0.0.1'] },
    ]);
  });
});
