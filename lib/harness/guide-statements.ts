import { decisionFromVerdicts } from '../claims/ledger.js';
import type { Verdict } from '../invariants/verdict.js';
import type { Timeline } from '../observe/timeline.js';
import type { Declared, Scenario } from './scenario.js';

/**
 * The guides' statements (fixtures/claims) a scenario decides from the verdicts it asserts
 * anyway. Statements are grouped by what proves them: every verdict given to a group counts, so
 * a violation of any decides the group's statements "does-not-hold" at once (before the
 * assertion fails the test), and `decide` records "holds" with what was observed once every
 * verdict of the group held. The assertion always stays: a decision is data beside it.
 *
 * Negative controls decide nothing: they break the behaviour on purpose.
 */
export class GuideStatements<Group extends string> {
  private readonly verdicts = new Map<Group, Verdict[]>();
  private readonly decided = new Set<Group>();

  constructor(
    private readonly scenario: Scenario,
    private readonly groups: Readonly<Record<Group, readonly string[]>>,
  ) {}

  /** `scenario.expectHolds`, with the verdict counted as evidence for the statements of `groups`. */
  async expectHolds(result: Verdict | Declared, ...groups: Group[]): Promise<void> {
    const verdict = 'verdict' in result ? await result.verdict() : result;
    for (const group of groups) {
      this.verdicts.set(group, [...(this.verdicts.get(group) ?? []), verdict]);
      if (verdict.outcome === 'violated') await this.decideGroup(group, '');
    }
    // An inconclusive verdict decides nothing: expectHolds fails the test with why.
    await this.scenario.expectHolds(verdict);
  }

  /**
   * A fact the scenario checks without an invariant (the claims that still exist after a scale-down):
   * its statements are decided at once, holds or does-not-hold, with what was observed.
   */
  async decideFact(group: Group, fact: { holds: boolean; observed: string }): Promise<void> {
    if (this.decided.has(group)) return;
    this.decided.add(group);
    for (const claim of this.groups[group])
      await this.scenario.decide({ claim, verdict: fact.holds ? 'holds' : 'does-not-hold', observed: fact.observed });
  }

  /**
   * Every verdict of the group held, but what its statements are about was not exercised on this
   * cluster (a move between nodes on a one-node cluster): "not-run-here", saying why and what was
   * seen. A violation still decides them does-not-hold (expectHolds).
   */
  async notRunHere(group: Group, why: { observed: string; qualifier: string }): Promise<void> {
    if (this.decided.has(group)) return;
    const verdicts = this.verdicts.get(group) ?? [];
    if (verdicts.length === 0 || verdicts.some((verdict) => verdict.outcome !== 'holds'))
      throw new Error(`guide statements "${group}": not every verdict held, so they are not "not run here"`);
    this.decided.add(group);
    for (const claim of this.groups[group]) await this.scenario.decide({ claim, verdict: 'not-run-here', ...why });
  }

  /** Decides the named groups from every verdict they were given, with what the cluster did when all held. */
  async decide(observed: Partial<Readonly<Record<Group, string>>>): Promise<void> {
    for (const [group, holds] of Object.entries(observed) as Array<[Group, string]>)
      await this.decideGroup(group, holds);
  }

  private async decideGroup(group: Group, holds: string): Promise<void> {
    if (this.decided.has(group)) return;
    const verdicts = this.verdicts.get(group) ?? [];
    if (verdicts.length === 0)
      throw new Error(`guide statements "${group}": no verdict was asserted for them, so they cannot be decided`);
    this.decided.add(group);
    for (const claim of this.groups[group])
      await this.scenario.decide(decisionFromVerdicts(claim, verdicts, { holds }));
  }
}

/**
 * Where each incarnation of a pod ran, for statements about pods "rescheduled to different nodes":
 * a recreation on the same node proves the identity survived, not the move. `moved` is undefined
 * when the pod was not seen recreated.
 */
export function placement(timeline: Timeline, pod: string): { moved?: boolean; note: string } {
  const nodes = timeline.pods.filter((life) => life.pod === pod).map((life) => life.node ?? 'an unknown node');
  if (nodes.length < 2) return { note: `${pod} was not seen recreated` };
  return new Set(nodes).size === 1
    ? {
        moved: false,
        note: `${pod} was recreated on the same node (${nodes[0]}): a move to another node was not exercised`,
      }
    : { moved: true, note: `${pod} ran on ${nodes.join(', then ')}` };
}
