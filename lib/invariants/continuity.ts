import type { AvailabilitySample, ClaimSighting, PodSighting } from '../observe/continuity-sampler.js';
import { Findings, type Verdict } from './verdict.js';

export type { AvailabilitySample, ClaimSighting, PodSighting };

/**
 * Continuity through a cluster upgrade, judged on samples the monitors took while the control
 * plane and the kubelets were replaced. Pure: the samples come from lib/workloads monitors or from
 * synthetic data in the unit tests.
 */

/** One sampling interval of the writer and reader that run against the database set. */
export interface WriteInterval {
  /** Milliseconds since the start of the run. */
  readonly start: number;
  readonly end: number;
  readonly attempted: number;
  readonly acknowledged: number;
  readonly failed: number;
  readonly readsOk: number;
  readonly readsFailed: number;
}

export interface DnsSample {
  readonly at: number;
  readonly name: string;
  readonly resolved: boolean;
}

/**
 * No identity held by two pods at once. The controller makes a replacement only once the old pod
 * is gone from its informer (pkg/controller/statefulset/stateful_set_control.go, processReplica:
 * a terminating replica is waited for, a missing one recreated), and the API server refuses a
 * second object of one name; so two UIDs of one ordinal alive in overlapping windows mean the old
 * pod kept running after the API let it go (a kubelet lost during the upgrade, a force delete).
 * The windows are the first and last sample that saw each UID alive, so sampling gaps only shrink
 * them: a correct cluster is never accused by a coarse sampler.
 */
export function identitiesUnique(sightings: readonly PodSighting[]): Verdict {
  const invariant = 'no identity has two pods at once';
  const findings = new Findings();
  const alive = sightings.filter((sighting) => sighting.alive);
  if (alive.length === 0) return findings.verdict(invariant, 'pod sightings', ['no pod was seen alive']);
  const windows = new Map<string, Map<string, { from: number; to: number }>>();
  for (const sighting of alive) {
    const identity = `${sighting.set}-${sighting.ordinal}`;
    const byUid = windows.get(identity) ?? new Map<string, { from: number; to: number }>();
    const window = byUid.get(sighting.uid);
    if (window) {
      window.from = Math.min(window.from, sighting.at);
      window.to = Math.max(window.to, sighting.at);
    } else byUid.set(sighting.uid, { from: sighting.at, to: sighting.at });
    windows.set(identity, byUid);
  }
  for (const [identity, byUid] of windows) {
    const ordered = [...byUid.entries()].sort((a, b) => a[1].from - b[1].from);
    for (let index = 1; index < ordered.length; index += 1) {
      const [earlierUid, earlier] = ordered[index - 1]!;
      const [laterUid, later] = ordered[index]!;
      if (later.from <= earlier.to)
        findings.add(
          'identity-duplicated',
          `${identity}: pod uid ${earlierUid} alive until ${earlier.to} ms, pod uid ${laterUid} alive from ${later.from} ms`,
        );
    }
  }
  return findings.verdict(invariant, `${alive.length} sightings of ${windows.size} identities`);
}

/** Number of identities that had two pods at once (must be 0). */
export function duplicatedIdentities(sightings: readonly PodSighting[]): number {
  return new Set(
    identitiesUnique(sightings).violations.map((violation) =>
      violation.message.slice(0, violation.message.indexOf(':')),
    ),
  ).size;
}

/** No claim changes UID: the data of an identity stays on the volume it was given. */
export function claimsStable(sightings: readonly ClaimSighting[]): Verdict {
  const invariant = 'no claim changes UID';
  const findings = new Findings();
  if (sightings.length === 0) return findings.verdict(invariant, 'claim sightings', ['no claim was seen']);
  const uids = claimUids(sightings);
  for (const [claim, seen] of uids)
    if (seen.length > 1) findings.add('claim-changed', `claim ${claim} was seen with UIDs ${seen.join(', ')}`);
  return findings.verdict(invariant, `${sightings.length} sightings of ${uids.size} claims`);
}

/** Number of claims seen with more than one UID (must be 0). */
export function changedClaims(sightings: readonly ClaimSighting[]): number {
  return [...claimUids(sightings).values()].filter((seen) => seen.length > 1).length;
}

function claimUids(sightings: readonly ClaimSighting[]): Map<string, string[]> {
  const uids = new Map<string, string[]>();
  for (const sighting of [...sightings].sort((a, b) => a.at - b.at)) {
    const seen = uids.get(sighting.claim) ?? [];
    if (!seen.includes(sighting.uid)) seen.push(sighting.uid);
    uids.set(sighting.claim, seen);
  }
  return uids;
}

export interface WriteFigures {
  readonly attempted: number;
  readonly acknowledged: number;
  readonly failed: number;
  readonly readsOk: number;
  readonly readsFailed: number;
  /** acknowledged / attempted, undefined when nothing was attempted. */
  readonly acknowledgedRatio: number | undefined;
  /** Longest run of consecutive intervals without one acknowledged write, in milliseconds. */
  readonly longestWriteOutageMs: number;
}

export function writeFigures(intervals: readonly WriteInterval[]): WriteFigures {
  const sum = (pick: (interval: WriteInterval) => number) => intervals.reduce((total, i) => total + pick(i), 0);
  const attempted = sum((i) => i.attempted);
  const acknowledged = sum((i) => i.acknowledged);
  let longest = 0;
  let outageStart: number | undefined;
  for (const interval of [...intervals].sort((a, b) => a.start - b.start)) {
    if (interval.acknowledged === 0) {
      outageStart ??= interval.start;
      longest = Math.max(longest, interval.end - outageStart);
    } else outageStart = undefined;
  }
  return {
    attempted,
    acknowledged,
    failed: sum((i) => i.failed),
    readsOk: sum((i) => i.readsOk),
    readsFailed: sum((i) => i.readsFailed),
    acknowledgedRatio: attempted === 0 ? undefined : acknowledged / attempted,
    longestWriteOutageMs: longest,
  };
}

/** Highest replicas - ready seen per set: how much of each set the upgrade took away at once. */
export function maxUnavailability(samples: readonly AvailabilitySample[]): Record<string, number> {
  const worst: Record<string, number> = {};
  for (const sample of samples)
    worst[sample.set] = Math.max(worst[sample.set] ?? 0, Math.max(0, sample.replicas - sample.ready));
  return worst;
}

export interface DnsFigures {
  readonly lookups: number;
  readonly resolved: number;
  /** Names whose last lookup failed: they did not come back by the end of the window. */
  readonly unresolvedAtEnd: readonly string[];
}

/**
 * DNS is reported, not judged per lookup: CoreDNS is replaced during the upgrade and a lookup in
 * that moment fails on a correct cluster. A name that still fails at the end is a finding.
 */
export function dnsFigures(samples: readonly DnsSample[]): DnsFigures {
  const last = new Map<string, DnsSample>();
  for (const sample of samples) {
    const known = last.get(sample.name);
    if (!known || known.at <= sample.at) last.set(sample.name, sample);
  }
  return {
    lookups: samples.length,
    resolved: samples.filter((sample) => sample.resolved).length,
    unresolvedAtEnd: [...last.values()].filter((sample) => !sample.resolved).map((sample) => sample.name),
  };
}

/**
 * Every name the probes looked up resolves again at the end: a lookup that fails while CoreDNS or
 * the pod behind the name is replaced is expected (a pod's record exists only while it is Ready,
 * pkg/controller/endpointslice publishes ready addresses of a headless Service without
 * publishNotReadyAddresses), so only each name's last lookup is judged.
 */
export function namesResolveAgain(samples: readonly DnsSample[]): Verdict {
  const invariant = 'every DNS name resolves again after the upgrade';
  const findings = new Findings();
  if (samples.length === 0) return findings.verdict(invariant, 'DNS lookups', ['no lookup was made']);
  const figures = dnsFigures(samples);
  for (const name of figures.unresolvedAtEnd)
    findings.add(
      'name-unresolved-after',
      `${name}: its last lookup (of ${samples.filter((sample) => sample.name === name).length}) did not resolve`,
    );
  return findings.verdict(
    invariant,
    `${figures.lookups} lookups of ${new Set(samples.map((sample) => sample.name)).size} names`,
  );
}

/** The file each pod wrote on its claim before the upgrade reads the same after it (`data-lost`). */
export function filesKept(
  written: Readonly<Record<string, string>>,
  readBack: Readonly<Record<string, string | undefined>>,
): Verdict {
  const invariant = "each pod's file on its claim survives the upgrade";
  const findings = new Findings();
  const pods = Object.keys(written);
  if (pods.length === 0) return findings.verdict(invariant, 'files', ['no file was written']);
  for (const pod of pods)
    if (readBack[pod] !== written[pod])
      findings.add(
        'data-lost',
        `${pod}: wrote ${JSON.stringify(written[pod])}, read ${readBack[pod] === undefined ? 'nothing' : JSON.stringify(readBack[pod])}`,
      );
  return findings.verdict(invariant, `${pods.length} files (${pods.join(', ')})`);
}
