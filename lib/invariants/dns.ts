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

export interface DnsCheckOptions {
  /**
   * Lookups of a name that must resolve whatever the scenario did (kubernetes.default.svc.<domain>,
   * one per server asked). A name of the pods that does not resolve proves the pods have no record
   * only if the same server answers this one: if it does not, DNS itself is down or unreachable
   * and the verdict is inconclusive, so a negative control cannot pass on a broken DNS.
   */
  readonly control?: readonly DnsObservation[];
  /** Appended to `checked`, e.g. how long DNS took to converge before these lookups. */
  readonly context?: string;
}

/** Every name resolves to exactly the expected addresses, via every server asked. */
export function dnsMatchesPods(observations: readonly DnsObservation[], options: DnsCheckOptions = {}): Verdict {
  const findings = new Findings();
  if (observations.length === 0) findings.add('no-observations', 'no DNS names were looked up');
  for (const observation of observations) {
    const expected = [...observation.expected].sort();
    const resolved = [...observation.resolved].sort();
    if (expected.length === 0) {
      findings.add('no-observations', `no expected address for ${observation.name}: the pods had no IP`);
    } else if (expected.join(',') !== resolved.join(',')) {
      findings.add(
        'dns-answer-mismatch',
        `${observation.name} resolved to ${observation.outcome}${via(observation)}: expected ${expected.join(', ')}`,
      );
    }
  }

  const unobserved: string[] = [];
  const control = options.control;
  if (control !== undefined) {
    if (control.length === 0)
      unobserved.push('no control lookup was made: a failed lookup cannot be told from DNS down');
    for (const observation of control) {
      if (!answers(observation)) {
        unobserved.push(
          `the control name ${observation.name} resolved to ${observation.outcome}${via(observation)}` +
            (observation.expected.length > 0 ? `: expected ${[...observation.expected].sort().join(', ')}` : '') +
            '; DNS is not answering as it must, so what it says of the pods proves nothing',
        );
      }
    }
    const serversOf = (list: readonly DnsObservation[]) => new Set(list.map((observation) => observation.server));
    const controlled = serversOf(control);
    for (const server of serversOf(observations)) {
      if (!controlled.has(server)) unobserved.push(`no control lookup via ${server ?? 'the default resolver'}`);
    }
  }

  const names = new Set(observations.map((observation) => observation.name)).size;
  const servers = new Set(observations.map((observation) => observation.server ?? 'default resolver')).size;
  const checked = [
    `${observations.length} lookup(s) of ${names} name(s) via ${servers} server(s)`,
    control === undefined
      ? 'no control name'
      : `control ${[...new Set(control.map((observation) => observation.name))].join(', ') || 'none'} via ${control.length} server(s)`,
    options.context,
  ]
    .filter(Boolean)
    .join('; ');
  return findings.verdict('DNS identity', checked, unobserved);
}

/** The control name resolved: to its expected addresses if any were given, else to anything. */
function answers(observation: DnsObservation): boolean {
  if (observation.resolved.length === 0) return false;
  if (observation.expected.length === 0) return true;
  return [...observation.expected].sort().join(',') === [...observation.resolved].sort().join(',');
}

function via(observation: DnsObservation): string {
  return observation.server ? ` (asked ${observation.server})` : '';
}
