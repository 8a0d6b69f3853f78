import { Findings, type Verdict } from './verdict.js';

/**
 * Stable network identity, as the controller sets it: newStatefulSetPod (stateful_set_utils.go,
 * updateIdentity) gives every pod `spec.hostname` = its name and `spec.subdomain` =
 * `spec.serviceName`. That is what makes the kubelet write
 * `<podIP>\t<pod>.<service>.<namespace>.svc.<domain>\t<pod>` into the pod's /etc/hosts (without a
 * subdomain the line is only `<podIP>\t<pod>`), so inside the pod the FQDN of its hostname is
 * `<pod>.<service>.<namespace>.svc.<domain>`. (The kubelet sets a pod's hostname to its name for
 * any pod, so `hostname` alone proves nothing.) How the FQDN is read: lib/workloads/pod-identity.ts.
 */

export interface PodIdentityObservation {
  readonly pod: string;
  /** spec.hostname and spec.subdomain as the API server has them. */
  readonly specHostname?: string;
  readonly specSubdomain?: string;
  /** What `hostname -f` printed inside the pod; undefined if it failed. */
  readonly fqdn?: string;
  /** For the message: the /etc/hosts line `hostname -f` read, or why it failed. */
  readonly fqdnNote?: string;
}

export interface ExpectedIdentity {
  /** Every pod that must be checked: a missing one is an absence, not a pass. */
  readonly pods: readonly string[];
  readonly serviceName: string;
  readonly namespace: string;
  readonly clusterDomain?: string;
}

export function podIdentity(observations: readonly PodIdentityObservation[], expected: ExpectedIdentity): Verdict {
  const findings = new Findings();
  const domain = expected.clusterDomain ?? 'cluster.local';
  for (const pod of expected.pods) {
    const seen = observations.find((observation) => observation.pod === pod);
    if (!seen) {
      findings.add('no-observations', `Pod ${expected.namespace}/${pod} was not observed`);
      continue;
    }
    if (seen.specHostname !== pod) {
      findings.add(
        'hostname-mismatch',
        `Pod ${expected.namespace}/${pod} has spec.hostname ${JSON.stringify(seen.specHostname ?? null)}: expected ${JSON.stringify(pod)}`,
      );
    }
    if (seen.specSubdomain !== expected.serviceName) {
      findings.add(
        'subdomain-mismatch',
        `Pod ${expected.namespace}/${pod} has spec.subdomain ${JSON.stringify(seen.specSubdomain ?? null)}: expected the governing Service ${JSON.stringify(expected.serviceName)}`,
      );
    }
    const fqdn = `${pod}.${expected.serviceName}.${expected.namespace}.svc.${domain}`;
    if (seen.fqdn !== fqdn) {
      findings.add(
        'fqdn-mismatch',
        `\`hostname -f\` in Pod ${expected.namespace}/${pod} printed ${JSON.stringify(seen.fqdn ?? null)}${seen.fqdnNote ? ` (${seen.fqdnNote})` : ''}: expected ${JSON.stringify(fqdn)}`,
      );
    }
  }
  return findings.verdict('pod identity', `${observations.length} of ${expected.pods.length} pod(s) observed`);
}
