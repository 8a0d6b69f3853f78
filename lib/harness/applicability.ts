import type { ControllerContract } from '../kube/cluster-facts.js';

/**
 * Which scenarios a cluster can decide, and with which expectation. Each scenario declares what
 * the behaviour it proves depends on: a Kubernetes version, a feature gate, worker nodes, or an
 * open upstream issue whose behaviour it asserts ("trap"). `decide` turns the declaration and
 * the cluster's facts into one of three answers, each with the reasons the report shows: the
 * scenario runs as written; it runs with an adjusted expectation (a trap fixed in this version
 * flips); or it is not applicable here and says why, naming the gate, version or node count.
 * Nothing is skipped without that sentence.
 */

/** What the gate history says, for gates the API server no longer lists (removed after GA) or did not list yet. */
interface GateHistory {
  /** Minor versions at which the default changed, ascending: [minor, default]. */
  readonly defaults: ReadonlyArray<readonly [number, boolean]>;
  /** From this minor on the gate is locked on (GA); later releases drop it from the metric. */
  readonly lockedOnFrom?: number;
}

/**
 * The StatefulSet gates, as pkg/features/kube_features.go of v1.34.10 declares them
 * (StatefulSetStartOrdinal is no longer there: it went GA in 1.31 and was removed, per the
 * Kubernetes feature-gate reference).
 */
export const STATEFULSET_GATES: Readonly<Record<string, GateHistory>> = {
  MaxUnavailableStatefulSet: { defaults: [[24, false]] },
  StatefulSetAutoDeletePVC: {
    defaults: [
      [23, false],
      [27, true],
    ],
    lockedOnFrom: 32,
  },
  StatefulSetStartOrdinal: {
    defaults: [
      [26, false],
      [27, true],
    ],
    lockedOnFrom: 31,
  },
  PodIndexLabel: { defaults: [[28, true]], lockedOnFrom: 32 },
};

/** What a scenario's behaviour depends on. */
export interface Dependencies {
  /** Feature gates that must be on, with what they enable. */
  readonly gates?: ReadonlyArray<{ readonly name: string; readonly enables: string }>;
  /** The first minor version with the behaviour, e.g. 31 for 1.31. */
  readonly sinceMinor?: { readonly minor: number; readonly what: string };
  /** Worker nodes (nodes without the control-plane role) the scenario needs. */
  readonly workers?: { readonly count: number; readonly why: string };
  /**
   * The scenario asserts today's behaviour of an open upstream issue. Until `fixedInMinor`
   * (unknown while the issue is open) the trap is expected; from it on the expectation flips.
   */
  readonly trap?: { readonly issue: string; readonly fixedInMinor?: number };
}

export type Decision =
  | { readonly applies: true; readonly trapExpected: boolean; readonly reasons: readonly string[] }
  | { readonly applies: false; readonly reasons: readonly string[] };

/** "v1.34.10" -> 34; undefined if the version does not parse. */
export function minorOf(version: string): number | undefined {
  const match = /^v?1\.(\d+)/.exec(version);
  return match ? Number(match[1]) : undefined;
}

/** Whether a gate is on, and how that is known. */
export function gateState(
  contract: Pick<ControllerContract, 'serverVersion' | 'gates' | 'gatesSource'>,
  name: string,
): { on: boolean | undefined; source: string } {
  const listed = contract.gates[name];
  if (listed !== undefined) return { on: listed, source: contract.gatesSource };
  const history = STATEFULSET_GATES[name];
  const minor = minorOf(contract.serverVersion);
  if (!history || minor === undefined) return { on: undefined, source: `${name} is unknown to this suite` };
  if (history.lockedOnFrom !== undefined && minor >= history.lockedOnFrom) {
    return { on: true, source: `GA and locked on since 1.${history.lockedOnFrom}` };
  }
  const entry = [...history.defaults].reverse().find(([since]) => minor >= since);
  if (!entry) return { on: false, source: `${name} does not exist before 1.${history.defaults[0]?.[0]}` };
  return { on: entry[1], source: `the 1.${minor} default (the API server did not list the gate)` };
}

export function decide(contract: ControllerContract, dependencies: Dependencies): Decision {
  const reasons: string[] = [];
  const missing: string[] = [];
  const minor = minorOf(contract.serverVersion);
  reasons.push(`Kubernetes ${contract.serverVersion}`);
  if (dependencies.sinceMinor) {
    const { minor: since, what } = dependencies.sinceMinor;
    if (minor === undefined)
      missing.push(`${what} needs Kubernetes 1.${since}+, and version ${contract.serverVersion} does not parse`);
    else if (minor < since)
      missing.push(`${what} needs Kubernetes 1.${since}+, this cluster runs ${contract.serverVersion}`);
    else reasons.push(`${what}: Kubernetes 1.${since}+`);
  }
  for (const gate of dependencies.gates ?? []) {
    const state = gateState(contract, gate.name);
    if (state.on === true) reasons.push(`feature gate ${gate.name} on (${state.source}): ${gate.enables}`);
    else
      missing.push(
        `${gate.enables} needs the feature gate ${gate.name}, which is ${state.on === false ? 'off' : 'of unknown state'} on this cluster (${state.source})`,
      );
  }
  if (dependencies.workers) {
    const { count, why } = dependencies.workers;
    if (contract.workers < count)
      missing.push(
        `${why} needs ${count} worker nodes, this cluster has ${contract.workers} (a whole-cluster scenario: run it alone on a cluster of its own)`,
      );
    else reasons.push(`${contract.workers} worker nodes: ${why}`);
  }
  if (missing.length > 0) return { applies: false, reasons: missing.map((reason) => `not applicable here: ${reason}`) };
  let trapExpected = false;
  if (dependencies.trap) {
    const { issue, fixedInMinor } = dependencies.trap;
    if (fixedInMinor !== undefined && minor !== undefined && minor >= fixedInMinor) {
      reasons.push(`${issue} is fixed from 1.${fixedInMinor} on: the expectation is adjusted to the fixed behaviour`);
    } else {
      trapExpected = true;
      reasons.push(
        `asserts today's behaviour of ${issue} (${fixedInMinor === undefined ? 'open upstream, no fixed version' : `fixed in 1.${fixedInMinor}`})`,
      );
    }
  }
  return { applies: true, trapExpected, reasons };
}
