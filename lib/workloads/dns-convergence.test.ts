import { describe, expect, it } from 'vitest';
import type { DnsObservation } from '../invariants/dns.js';
import { agrees, Convergence } from './dns-convergence.js';

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
