import { describe, expect, it } from 'vitest';
import { dnsMatchesPods, type DnsObservation } from './dns.js';
import { assertViolatedWith, kindsOf } from './verdict.js';

const NS = 'sts-dns';
const WEB_0 = `web-0.web.${NS}.svc.cluster.local`;
const WEB_1 = `web-1.web.${NS}.svc.cluster.local`;
const WEB = `web.${NS}.svc.cluster.local`;
const KUBERNETES = 'kubernetes.default.svc.cluster.local';

// The servers a pod reaches in a kubeadm cluster: the Service and its two CoreDNS replicas.
const SERVICE = 'cluster DNS Service 10.96.0.10';
const COREDNS_A = 'CoreDNS coredns-674b8bbfcf-4kq9z 10.244.0.2';
const COREDNS_B = 'CoreDNS coredns-674b8bbfcf-x7m2p 10.244.0.3';
const SERVERS = [SERVICE, COREDNS_A, COREDNS_B];

const IPS = { 'web-0': '10.244.1.4', 'web-1': '10.244.2.7' };

function answer(name: string, server: string, expected: string[], resolved = expected): DnsObservation {
  return { name, server, expected, resolved, outcome: resolved.join(', ') || 'NXDOMAIN' };
}

/** Every name right via every server. */
function conforming(): DnsObservation[] {
  return SERVERS.flatMap((server) => [
    answer(WEB_0, server, [IPS['web-0']]),
    answer(WEB_1, server, [IPS['web-1']]),
    answer(WEB, server, [IPS['web-0'], IPS['web-1']], [IPS['web-1'], IPS['web-0']]),
  ]);
}

const control = (servers = SERVERS): DnsObservation[] =>
  servers.map((server) => answer(KUBERNETES, server, ['10.96.0.1']));

describe('dnsMatchesPods', () => {
  it('holds when every server answers every name with exactly its pods, in any order', () => {
    const result = dnsMatchesPods(conforming(), { control: control() });
    expect(result).toMatchObject({ outcome: 'holds', holds: true, violations: [], unobserved: [] });
    expect(result.checked).toBe(`9 lookup(s) of 3 name(s) via 3 server(s); control ${KUBERNETES} via 3 server(s)`);
  });

  it('says in `checked` how long DNS took to converge', () => {
    const result = dnsMatchesPods(conforming(), {
      control: control(),
      context: "DNS converged 2345 ms after web-1's new pod was Ready",
    });
    expect(result.checked).toMatch(/; DNS converged 2345 ms after web-1's new pod was Ready$/);
  });

  it('catches the stale answer of one CoreDNS replica that the Service would hit only sometimes', () => {
    const observations = conforming().map((observation) =>
      observation.server === COREDNS_B && observation.name === WEB_1
        ? { ...observation, resolved: ['10.244.2.5'], outcome: '10.244.2.5' }
        : observation,
    );
    const result = dnsMatchesPods(observations, { control: control() });
    expect(result.outcome).toBe('violated');
    expect(result.violations).toEqual([
      {
        kind: 'dns-answer-mismatch',
        message: `${WEB_1} resolved to 10.244.2.5 (asked ${COREDNS_B}): expected 10.244.2.7`,
      },
    ]);
  });

  it('catches a Service answer that misses a pod', () => {
    const observations = conforming().map((observation) =>
      observation.server === SERVICE && observation.name === WEB
        ? { ...observation, resolved: [IPS['web-0']], outcome: IPS['web-0'] }
        : observation,
    );
    expect(dnsMatchesPods(observations, { control: control() }).violations).toEqual([
      {
        kind: 'dns-answer-mismatch',
        message: `${WEB} resolved to 10.244.1.4 (asked ${SERVICE}): expected 10.244.1.4, 10.244.2.7`,
      },
    ]);
  });

  it('NXDOMAIN for the pod names while the control name resolves: violated, the negative control passes', () => {
    const observations = conforming().map((observation) => ({ ...observation, resolved: [], outcome: 'NXDOMAIN' }));
    const result = dnsMatchesPods(observations, { control: control() });
    expect(result.outcome).toBe('violated');
    expect(kindsOf(result)).toEqual(['dns-answer-mismatch']);
    expect(result.violations).toHaveLength(9);
    expect(() => assertViolatedWith(result, ['dns-answer-mismatch'], `StatefulSet in ${NS}`)).not.toThrow();
  });

  describe('the control name: a failure of DNS itself is inconclusive, never a violation', () => {
    const nxdomainEverywhere = () =>
      conforming().map((observation) => ({ ...observation, resolved: [], outcome: 'NXDOMAIN' }));

    it('one server that cannot resolve kubernetes.default makes the verdict inconclusive', () => {
      const broken = control().map((observation) =>
        observation.server === COREDNS_A
          ? { ...observation, resolved: [], outcome: 'no DNS server reachable' }
          : observation,
      );
      const result = dnsMatchesPods(nxdomainEverywhere(), { control: broken });
      expect(result.outcome).toBe('inconclusive');
      expect(result.holds).toBe(false);
      expect(result.unobserved).toEqual([
        `the control name ${KUBERNETES} resolved to no DNS server reachable (asked ${COREDNS_A}): expected 10.96.0.1; DNS is not answering as it must, so what it says of the pods proves nothing`,
      ]);
      // The negative control must not pass on it, though the mismatches are there.
      expect(() => assertViolatedWith(result, ['dns-answer-mismatch'], `StatefulSet in ${NS}`)).toThrow(
        /it was inconclusive/,
      );
    });

    it('a control name answered with another address is no control either', () => {
      const wrong = control().map((observation) =>
        observation.server === SERVICE
          ? { ...observation, resolved: ['10.96.0.99'], outcome: '10.96.0.99' }
          : observation,
      );
      expect(dnsMatchesPods(conforming(), { control: wrong }).outcome).toBe('inconclusive');
    });

    it('every server asked about the pods must also have been asked the control name', () => {
      const result = dnsMatchesPods(nxdomainEverywhere(), { control: control([SERVICE, COREDNS_A]) });
      expect(result.outcome).toBe('inconclusive');
      expect(result.unobserved).toEqual([`no control lookup via ${COREDNS_B}`]);
    });

    it('an empty control list is inconclusive', () => {
      expect(dnsMatchesPods(conforming(), { control: [] })).toMatchObject({
        outcome: 'inconclusive',
        unobserved: expect.arrayContaining([expect.stringMatching(/^no control lookup was made/)]),
      });
    });

    it('a control without expected addresses only has to resolve', () => {
      const anyAddress = control().map((observation) => ({ ...observation, expected: [] }));
      expect(dnsMatchesPods(conforming(), { control: anyAddress }).outcome).toBe('holds');
    });
  });

  it('without a control, judges the answers alone (and says so)', () => {
    const result = dnsMatchesPods(conforming());
    expect(result.outcome).toBe('holds');
    expect(result.checked).toMatch(/no control name$/);
  });

  it('is not vacuous: no lookups, or a pod without an IP, is an absence', () => {
    expect(kindsOf(dnsMatchesPods([], { control: control() }))).toEqual(['no-observations']);
    const noIp = dnsMatchesPods([{ name: WEB_0, server: SERVICE, expected: [], resolved: [], outcome: 'NXDOMAIN' }], {
      control: control([SERVICE]),
    });
    expect(noIp.violations).toEqual([
      { kind: 'no-observations', message: `no expected address for ${WEB_0}: the pods had no IP` },
    ]);
    expect(() => assertViolatedWith(noIp, ['no-observations'], 'x')).toThrow(/absence kind/);
  });
});
