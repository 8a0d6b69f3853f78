import { Findings, type Verdict } from './verdict.js';

/**
 * Stable storage, as documented: "When a Pod is (re)scheduled onto a node, its volumeMounts mount
 * the PersistentVolumes associated with its PersistentVolume Claims", and the claims are not
 * deleted when their Pods are. The proof is the data: a marker written before the pod was
 * recreated is read after it; the claim and the volume say why.
 */

/** The PersistentVolume behind a claim, as the API server describes it. */
export interface VolumeIdentity {
  readonly name: string;
  readonly uid: string;
  /** Where the data lives: a hostPath/local path and node for local-path, else the CSI volume handle. */
  readonly location?: string;
  readonly node?: string;
}

/** What the storage of one ordinal looked like at one moment. */
export interface StorageIdentity {
  readonly pod: string;
  readonly podUid: string;
  /** The claim behind the data volume, if the pod has one. */
  readonly claim?: { readonly name: string; readonly uid: string; readonly volume?: VolumeIdentity };
  /** The marker file's content, or undefined if it could not be read. */
  readonly marker?: string;
}

/**
 * After a pod was recreated, its replacement reads the marker written before (`data-lost`
 * otherwise), from the same claim (`claim-changed`), bound to the same PersistentVolume: same
 * UID, node and path (`volume-changed`). Both sides must have a bound claim to compare.
 */
export function storageReattached(before: StorageIdentity, after: StorageIdentity): Verdict {
  const findings = new Findings();
  const pod = after.pod;
  if (before.podUid === after.podUid) {
    findings.add('never-recreated', `Pod ${pod} still has uid ${after.podUid}: it was never recreated`);
  }
  if (before.marker === undefined) {
    findings.add('no-observations', `no marker was read from Pod ${before.pod} before it was recreated`);
  } else if (after.marker !== before.marker) {
    findings.add(
      'data-lost',
      `Pod ${pod} (uid ${after.podUid.slice(0, 8)}) reads ${JSON.stringify(after.marker ?? null)} from its data volume: expected ${JSON.stringify(before.marker)}, written before it was recreated`,
    );
  }
  if (before.claim && after.claim) {
    if (before.claim.name !== after.claim.name || before.claim.uid !== after.claim.uid) {
      findings.add(
        'claim-changed',
        `Pod ${pod} mounts claim ${after.claim.name} (uid ${after.claim.uid.slice(0, 8)}): expected ${before.claim.name} (uid ${before.claim.uid.slice(0, 8)})`,
      );
    }
    const [was, is] = [before.claim.volume, after.claim.volume];
    if (!was || !is) {
      findings.add(
        'no-observations',
        `claim ${after.claim.name} was not bound ${!was ? 'before' : 'after'}: no volume to compare`,
      );
    } else if (was.uid !== is.uid || was.location !== is.location || was.node !== is.node) {
      findings.add(
        'volume-changed',
        `claim ${after.claim.name} is bound to ${is.name} (uid ${is.uid.slice(0, 8)}, ${is.node ?? 'any node'}:${is.location ?? '?'}): expected ${was.name} (uid ${was.uid.slice(0, 8)}, ${was.node ?? 'any node'}:${was.location ?? '?'})`,
      );
    }
  }
  return findings.verdict(
    'storage reattachment',
    `${pod}: uid ${before.podUid.slice(0, 8)} -> ${after.podUid.slice(0, 8)}, claim ${after.claim?.name ?? 'none'}`,
  );
}
