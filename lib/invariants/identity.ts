import { verdict, type Verdict } from './verdict.js';

/**
 * Stable identity, as documented: "Each Pod in a StatefulSet derives its hostname from the name
 * of the StatefulSet and the ordinal of the Pod", a headless Service "controls the domain of its
 * Pods", each Pod gets "a matching DNS subdomain, taking the form
 * $(podname).$(governing service domain)"; and storage: "When a Pod is (re)scheduled onto a node,
 * its volumeMounts mount the PersistentVolumes associated with its PersistentVolume Claims".
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
}

/** Every name resolves to exactly the expected addresses. */
export function dnsMatchesPods(observations: readonly DnsObservation[]): Verdict {
  const violations: string[] = [];
  if (observations.length === 0) violations.push('no DNS names were looked up');
  for (const observation of observations) {
    const expected = [...observation.expected].sort();
    const resolved = [...observation.resolved].sort();
    if (expected.length === 0) violations.push(`no expected address for ${observation.name}: the pods had no IP`);
    else if (expected.join(',') !== resolved.join(',')) {
      violations.push(`${observation.name} resolved to ${observation.outcome}: expected ${expected.join(', ')}`);
    }
  }
  return verdict('DNS identity', `${observations.length} name(s) looked up`, violations);
}

export interface HostnameObservation {
  readonly pod: string;
  readonly hostname: string;
}

export function hostnamesArePodNames(observations: readonly HostnameObservation[]): Verdict {
  const violations = observations
    .filter((o) => o.hostname !== o.pod)
    .map((o) => `Pod ${o.pod} reports hostname ${JSON.stringify(o.hostname)}: expected ${o.pod}`);
  if (observations.length === 0) violations.push('no hostnames were read');
  return verdict('hostname identity', `${observations.length} pod(s) asked`, violations);
}

/** What the storage of one ordinal looked like at one moment. */
export interface StorageIdentity {
  readonly pod: string;
  readonly podUid: string;
  /** The claim behind the data volume, if the pod has one. */
  readonly claim?: { readonly name: string; readonly uid: string; readonly volumeName?: string };
  /** The marker file's content, or undefined if it could not be read. */
  readonly marker?: string;
}

/**
 * After a pod was recreated, its replacement mounts the same claim (same UID), bound to the same
 * volume, and reads the marker written before.
 */
export function storageReattached(before: StorageIdentity, after: StorageIdentity): Verdict {
  const violations: string[] = [];
  const pod = after.pod;
  if (before.podUid === after.podUid)
    violations.push(`Pod ${pod} still has uid ${after.podUid}: it was never recreated, so nothing was reattached`);
  if (!before.claim) violations.push(`Pod ${before.pod} had no PersistentVolumeClaim before it was recreated`);
  if (!after.claim)
    violations.push(
      `Pod ${pod} (uid ${after.podUid}) has no PersistentVolumeClaim: expected ${before.claim?.name ?? 'its claim'}`,
    );
  if (before.claim && after.claim) {
    if (before.claim.name !== after.claim.name || before.claim.uid !== after.claim.uid) {
      violations.push(
        `Pod ${pod} mounts claim ${after.claim.name} (uid ${after.claim.uid}): expected ${before.claim.name} (uid ${before.claim.uid})`,
      );
    }
    if (before.claim.volumeName !== after.claim.volumeName) {
      violations.push(
        `claim ${after.claim.name} is bound to volume ${after.claim.volumeName}: expected ${before.claim.volumeName}`,
      );
    }
  }
  if (before.marker === undefined) violations.push(`no marker was read from Pod ${before.pod} before it was recreated`);
  else if (after.marker !== before.marker) {
    violations.push(
      `Pod ${pod} reads marker ${JSON.stringify(after.marker ?? null)}: expected ${JSON.stringify(before.marker)}`,
    );
  }
  return verdict(
    'storage reattachment',
    `${pod}: uid ${before.podUid.slice(0, 8)} -> ${after.podUid.slice(0, 8)}`,
    violations,
  );
}
