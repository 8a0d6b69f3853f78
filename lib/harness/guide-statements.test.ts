import { describe, expect, it } from 'vitest';
import { checkDecision, loadLedger, type Decision } from '../claims/ledger.js';
import { ledgerRows, renderLedgerMarkdown, rowVerdict } from '../claims/render.js';
import { orderedCreation } from '../invariants/ordering.js';
import { assertHolds, type Verdict } from '../invariants/verdict.js';
import { SyntheticHistory } from '../observe/synthetic.js';
import { buildTimeline, WHOLE_TIMELINE } from '../observe/timeline.js';
import { GuideStatements, placement } from './guide-statements.js';
import type { Scenario } from './scenario.js';

/** The statements of the ledger the ordered-creation scenario decides from this very judge. */
const CREATION = ['day-11/takeaway-create-sequential', 'master-stateful-applications/table-order-sequential'];
const TEST = 'suites/core/ordered-creation.test.ts > creates web-0, web-1, web-2 in order';

/**
 * The part of a scenario GuideStatements uses: expectHolds asserts as the real one does, decide
 * keeps the decision as the real one writes it to out/claims.jsonl. No cluster: the observation
 * is a synthetic recording.
 */
function recordingScenario() {
  const decisions: Decision[] = [];
  const scenario = {
    async expectHolds(result: Verdict) {
      assertHolds(result, 'StatefulSet sts-test/web');
    },
    async decide(decision: Omit<Decision, 'test' | 'runId'>) {
      checkDecision(decision);
      decisions.push({ ...decision, test: TEST, runId: 'unit' });
    },
  } as unknown as Scenario;
  return { scenario, decisions };
}

/** The scenario's path: judge the recorded timeline, assert it, decide the guides' statements from it. */
async function decideCreation(history: SyntheticHistory) {
  const { scenario, decisions } = recordingScenario();
  const guides = new GuideStatements(scenario, { creation: CREATION });
  const judged = orderedCreation(buildTimeline(history.recording(), 'web'), {
    window: WHOLE_TIMELINE,
    ordinals: [0, 1, 2],
  });
  const assertion = await guides.expectHolds(judged, 'creation').then(
    () => 'passed',
    (error: Error) => error.message,
  );
  if (assertion === 'passed') await guides.decide({ creation: 'web-0, web-1, web-2 in order' });
  const ledger = loadLedger();
  const rows = ledgerRows(ledger, decisions).filter((row) => CREATION.includes(row.id));
  return { assertion, decisions, rows, markdown: renderLedgerMarkdown(ledger, decisions) };
}

describe('the ledger decides from what was recorded (its negative control)', () => {
  it('pods created in order: the statements of the guides hold', async () => {
    const { assertion, rows } = await decideCreation(new SyntheticHistory().bringUp(0).bringUp(1).bringUp(2));
    expect(assertion).toBe('passed');
    expect(rows.map(rowVerdict)).toEqual(['holds', 'holds']);
  });

  it('a recording where web-2 was created before web-1 flips the same statements to does-not-hold, and the scenario still fails', async () => {
    const outOfOrder = new SyntheticHistory().bringUp(0).bringUp(2).bringUp(1);
    const { assertion, decisions, rows, markdown } = await decideCreation(outOfOrder);
    expect(assertion).toMatch(/ordered creation violated/);
    expect(rows.map(rowVerdict)).toEqual(['does-not-hold', 'does-not-hold']);
    expect(decisions[0]?.observed).toMatch(/\[created-out-of-order\] web-2 was created .* before web-1/);
    expect(markdown).toMatch(
      /\| day-11\/takeaway-create-sequential \| \d+ \| .* \| does-not-hold \| ordered creation: /,
    );
  });

  it('a recording with a gap decides nothing: the statement stays without a verdict and the scenario fails', async () => {
    const gap = new SyntheticHistory().bringUp(0).loseTrack('pods').bringUp(1).bringUp(2);
    const { assertion, rows } = await decideCreation(gap);
    expect(assertion).toMatch(/could not be decided/);
    expect(rows.map(rowVerdict)).toEqual(['no decision', 'no decision']);
  });
});

describe('placement', () => {
  it('says whether a recreated pod moved between nodes', () => {
    const history = new SyntheticHistory().bringUp(0).bringUp(1).remove(1).bringUp(1);
    expect(placement(buildTimeline(history.recording(), 'web'), 'web-1')).toEqual({
      moved: false,
      note: 'web-1 was recreated on the same node (node-1): a move to another node was not exercised',
    });
    expect(placement(buildTimeline(history.recording(), 'web'), 'web-0')).toEqual({
      note: 'web-0 was not seen recreated',
    });
  });
});

describe('GuideStatements', () => {
  it('not run here only when every verdict held: a violation decides does-not-hold first', async () => {
    const { scenario, decisions } = recordingScenario();
    const guides = new GuideStatements(scenario, { acrossNodes: ['complete-guide/dns-stable-between-nodes'] });
    await expect(guides.notRunHere('acrossNodes', { observed: 'o', qualifier: 'q' })).rejects.toThrow(/not every/);
    const history = new SyntheticHistory().bringUp(0).bringUp(2).bringUp(1);
    const violated = orderedCreation(buildTimeline(history.recording(), 'web'), {
      window: WHOLE_TIMELINE,
      ordinals: [0, 1, 2],
    });
    await expect(guides.expectHolds(violated, 'acrossNodes')).rejects.toThrow(/violated/);
    await guides.notRunHere('acrossNodes', { observed: 'o', qualifier: 'one node' });
    expect(decisions.map((decision) => decision.verdict)).toEqual(['does-not-hold']);
  });
});
