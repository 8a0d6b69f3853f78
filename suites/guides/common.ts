/**
 * What every guide scenario does the same way: say which adaptations a fixture got, decide
 * several statements from one observation, and check DNS the way the core stable-dns scenario
 * does (busybox nslookup via every DNS server, after convergence).
 */
import type { Decision } from '../../lib/claims/ledger.js';
import { dnsMatchesPods } from '../../lib/invariants/dns.js';
import { ledgerFigures, ledgerIntact, type ReadBack, type WriteLedger } from '../../lib/invariants/data.js';
import type { Verdict } from '../../lib/invariants/verdict.js';
import type { Scenario } from '../../lib/harness/scenario.js';
import { DnsClient } from '../../lib/workloads/dns-client.js';
import { convergenceNote } from '../../lib/workloads/dns-convergence.js';
import type { AdaptedFixture } from '../../lib/workloads/fixtures.js';
import type { GuideStatefulSet } from '../../lib/workloads/guide-workload.js';

export const STATEFULSET_DOCS = 'https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/';

/** The guide fixture's adaptations as a report step: one parameter per transform, environment and corrections apart. */
export async function noteAdaptations(scenario: Scenario, fixture: AdaptedFixture): Promise<void> {
  const facts: Record<string, string> = {};
  fixture.transforms.forEach((transform, index) => {
    facts[`${index + 1}`] = transform;
  });
  const corrections = fixture.transforms.filter((transform) => transform.startsWith('correction:')).length;
  await scenario.note(
    `${fixture.source}: ${fixture.transforms.length - corrections} environment adaptation(s), ${corrections} correction(s)`,
    facts,
  );
}

type DecisionInput = Omit<Decision, 'test' | 'runId' | 'claim'>;

/** The same observation decides several statements of the guides. */
export async function decideAll(scenario: Scenario, claims: readonly string[], decision: DecisionInput): Promise<void> {
  for (const claim of claims) await scenario.decide({ claim, ...decision });
}

/**
 * Decides statements from an invariant's verdict (holds / does-not-hold); an inconclusive verdict
 * decides nothing and throws. Then asserts it, so a violation also fails the scenario where the
 * scenario set out to prove the behaviour.
 */
export async function decideFromVerdict(
  scenario: Scenario,
  claims: readonly string[],
  verdict: Verdict,
  observed: { holds: string; qualifier?: string },
): Promise<void> {
  if (verdict.outcome === 'inconclusive') await scenario.expectHolds(verdict);
  const holds = verdict.outcome === 'holds';
  await decideAll(scenario, claims, {
    verdict: holds ? 'holds' : 'does-not-hold',
    observed: holds
      ? `${observed.holds} (${verdict.invariant}: ${verdict.checked})`
      : `${verdict.invariant} violated: ${verdict.violations.map((violation) => `[${violation.kind}] ${violation.message}`).join('; ')}`,
    ...(observed.qualifier ? { qualifier: observed.qualifier } : {}),
  });
  await scenario.expectHolds(verdict);
}

/**
 * DNS of a guide's set: a busybox client in the namespace, every pod name and the headless
 * Service via the cluster DNS Service and each CoreDNS replica, after 3 agreeing rounds.
 */
export async function checkDns(
  scenario: Scenario,
  set: GuideStatefulSet,
  ordinals: readonly number[],
  readyAt: number,
): Promise<{ verdict: Verdict; dns: DnsClient }> {
  const dns = await scenario.step('start a busybox DNS client in the same namespace', () => DnsClient.deploy(scenario));
  const servers = await scenario.step('find the DNS servers a pod reaches', () => dns.servers());
  const control = await scenario.step('read the control name kubernetes.default', () => dns.controlRecord());
  const converged = await scenario.step(
    `wait until every server answers ${ordinals.map((ordinal) => set.podDnsName(ordinal)).join(', ')} and ${set.serviceDnsName()} as expected 3 rounds in a row`,
    () => dns.waitUntilConverged(() => set.dnsRecords(ordinals), servers, { consecutive: 3 }),
  );
  const note = convergenceNote(`${set.name} had ${ordinals.length} Ready pods`, readyAt, converged, servers);
  await scenario.note(note.title, note.facts, note.attachment);
  const lookups = await scenario.step('look up every name via every server, and the control name', async () => ({
    observations: await dns.lookUpAll(await set.dnsRecords(ordinals), servers),
    control: await dns.lookUpAll([control], servers),
  }));
  return {
    verdict: dnsMatchesPods(lookups.observations, { control: lookups.control, context: note.context }),
    dns,
  };
}

/** Totals of several ledgers against their read-backs, as report figures; returns the verdicts. */
export async function judgeLedgers(
  scenario: Scenario,
  pairs: ReadonlyArray<{ ledger: WriteLedger; read: ReadBack }>,
  label: string,
): Promise<Verdict[]> {
  const totals = { acknowledged: 0, readBack: 0, lost: 0 };
  const verdicts = pairs.map(({ ledger, read }) => {
    const figures = ledgerFigures(ledger, read);
    totals.acknowledged += figures.acknowledged;
    totals.readBack += figures.readBack;
    totals.lost += figures.lost;
    return ledgerIntact(ledger, read);
  });
  await scenario.figure(`${label}: rows acknowledged`, totals.acknowledged, 'rows');
  await scenario.figure(`${label}: rows read back`, totals.readBack, 'rows');
  await scenario.figure(`${label}: rows lost`, totals.lost, 'rows');
  return verdicts;
}

/** Seconds since `since` (ms), one decimal. */
export const secondsSince = (since: number) => Math.round((Date.now() - since) / 100) / 10;
