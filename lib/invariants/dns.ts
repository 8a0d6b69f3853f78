import { Findings, type Verdict } from './verdict.js';

/**
 * DNS identity, as documented: a headless Service "controls the domain of its Pods", and each Pod
 * gets "a matching DNS subdomain, taking the form $(podname).$(governing service domain)"; the
 * Service name itself resolves to every Ready pod behind it.
 */

export interface DnsObservation {
  /** The name looked up. */
  readonly name: string;
  /** The pod IPs it must resolve to, exactly. */
  readonly expected: readonly string[];
  /** The A records the lookup returned. */
  readonly resolved: readonly string[];
  /** How the lookup ended, for the message: "10.244.0.7", "NXDOMAIN"... */
  readonly outcome: string;
  /** Which DNS server answered (a CoreDNS pod IP, or the cluster DNS Service). */
  readonly server?: string;
}

/** Every name resolves to exactly the expected addresses. */
export function dnsMatchesPods(observations: readonly DnsObservation[]): Verdict {
  const findings = new Findings();
  if (observations.length === 0) findings.add('no-observations', 'no DNS names were looked up');
  for (const observation of observations) {
    const expected = [...observation.expected].sort();
    const resolved = [...observation.resolved].sort();
    const via = observation.server ? ` (asked ${observation.server})` : '';
    if (expected.length === 0) {
      findings.add('no-observations', `no expected address for ${observation.name}: the pods had no IP`);
    } else if (expected.join(',') !== resolved.join(',')) {
      findings.add(
        'dns-answer-mismatch',
        `${observation.name} resolved to ${observation.outcome}${via}: expected ${expected.join(', ')}`,
      );
    }
  }
  return findings.verdict('DNS identity', `${observations.length} lookup(s)`);
}
