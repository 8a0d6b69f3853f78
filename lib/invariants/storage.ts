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
 * otherwise), from the same claim (`claim-changed`: another UID, or a claim on one side only),
 * bound to the same PersistentVolume object: same UID, node and path, read from the
 * PersistentVolume itself before and after (`volume-changed`). The claim's volumeName alone
 * would not do: it is immutable once bound and says nothing about the object behind it.
 *
 * What cannot be compared is an absence (`no-observations`), never a match: no marker before,
 * no claim on either side, or a claim not bound to a volume on either side. So a positive
 * scenario fails on it, and no negative control can pass on it alone.
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
      `Pod ${pod} (uid ${short(after.podUid)}) reads ${JSON.stringify(after.marker ?? null)} from its data volume: expected ${JSON.stringify(before.marker)}, written before it was recreated`,
    );
  }
  const [had, has] = [before.claim, after.claim];
  if (!had && !has) {
    findings.add('no-observations', `Pod ${pod} mounts no claim, before or after it was recreated: nothing to compare`);
  } else if (!had || !has) {
    findings.add(
      'claim-changed',
      `Pod ${pod} mounts ${describeClaim(has)}: expected ${describeClaim(had)}, as before it was recreated`,
    );
  } else {
    if (had.name !== has.name || had.uid !== has.uid) {
      findings.add('claim-changed', `Pod ${pod} mounts ${describeClaim(has)}: expected ${describeClaim(had)}`);
    }
    const [was, is] = [had.volume, has.volume];
    if (!was || !is) {
      const when = !was && !is ? 'before or after' : !was ? 'before' : 'after';
      findings.add('no-observations', `claim ${has.name} was not bound to a volume ${when}: no volume to compare`);
    } else if (was.uid !== is.uid || was.location !== is.location || was.node !== is.node) {
      findings.add(
        'volume-changed',
        `claim ${has.name} is bound to ${describeVolume(is)}: expected ${describeVolume(was)}`,
      );
    }
  }
  return findings.verdict('storage reattachment', describeChecked(before, after));
}

function short(uid: string): string {
  return uid.slice(0, 8);
}

function describeClaim(claim: StorageIdentity['claim']): string {
  return claim ? `claim ${claim.name} (uid ${short(claim.uid)})` : 'no claim';
}

/** What was compared, each thing once if it stayed the same: "web-1: pod uid a -> b; claim ... before and after; ...". */
function describeChecked(before: StorageIdentity, after: StorageIdentity): string {
  const pair = (was: string, is: string) => (was === is ? `${was} before and after` : `${was} -> ${is}`);
  const volumeOf = (claim: StorageIdentity['claim']) =>
    claim?.volume ? describeVolume(claim.volume) : claim ? 'no bound volume' : undefined;
  const [wasVolume, isVolume] = [volumeOf(before.claim), volumeOf(after.claim)];
  const parts = [
    `pod uid ${short(before.podUid)} -> ${short(after.podUid)}`,
    pair(describeClaim(before.claim), describeClaim(after.claim)),
  ];
  if (wasVolume || isVolume) parts.push(pair(wasVolume ?? 'no claim', isVolume ?? 'no claim'));
  const marker = (identity: StorageIdentity) => `marker ${JSON.stringify(identity.marker ?? null)}`;
  parts.push(pair(marker(before), marker(after)));
  return `${after.pod}: ${parts.join('; ')}`;
}

function describeVolume(volume: VolumeIdentity): string {
  return `PersistentVolume ${volume.name} (uid ${short(volume.uid)}, ${volume.node ?? 'any node'}:${volume.location ?? '?'})`;
}
