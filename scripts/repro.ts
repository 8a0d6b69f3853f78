/**
 * npm run repro -- <claim id | scenario | test name> [--print DIR] [--cluster-name NAME] [--kubeconfig PATH] [--out DIR]
 *
 * Reproduces one statement of a guide (an id of fixtures/claims), one scenario file, or one test
 * on a kind cluster it creates or reuses (kept afterwards, default name sts-repro) or an existing
 * cluster: the same manifests and steps as the conformance run, each kubectl equivalent printed
 * before it runs. It stops at the deciding observation, prints it beside the guide's words, and
 * leaves the namespace for exploration with the command that deletes it.
 *
 * --print DIR writes a bundle for someone else's cluster instead (manifests, repro.sh with the
 * kubectl steps, expected.md), from the transcript of the last run in --out that ran the test.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { slug } from '../lib/kube/namespace.js';
import { decidersOf, findClaim, loadLedger, splitDecider, type Claim, type GuideLedger } from '../lib/claims/ledger.js';
import { writeReproBundle } from '../lib/claims/bundle.js';
import { ledgerRows, rowVerdict } from '../lib/claims/render.js';
import { readDecisions } from '../lib/harness/decisions.js';
import { discoverScenarios } from '../lib/harness/scenarios.js';
import { TRANSCRIPTS_DIR, type SavedTranscript } from '../lib/harness/transcripts.js';
import { ActionableError, UsageError } from '../lib/support/errors.js';
import { HANDOVER_ENV, readSettings, settingFlags } from '../lib/support/settings.js';
import { parseFlags, runMain } from './cli.js';

const USAGE =
  'usage: npm run repro -- <claim id | scenario | test name> [--print DIR] [--cluster-name NAME] [--kubeconfig PATH] [--out DIR]';

/** What to run: scenario files, optionally one test of each, and the statement they decide. */
interface Target {
  readonly scenarios: readonly string[];
  /** The tests to run (all of the scenario files if empty). */
  readonly tests: readonly string[];
  readonly claim?: { guide: GuideLedger; claim: Claim };
}

function resolveTarget(what: string, scenarios: Map<string, string>): Target {
  const ledger = loadLedger();
  const claim = findClaim(ledger, what);
  if (claim) {
    const deciders = decidersOf(claim.claim);
    if (deciders.length === 0)
      throw new ActionableError(
        `${what} (${claim.guide.guide}:${claim.claim.line}) is ${claim.claim.nature === 'advice' ? 'advice, which no run decides' : 'not decided by any test yet'}`,
        'pick a claim with decidedBy in fixtures/claims/',
      );
    // A statement with parts is decided by several tests: all of them run, one after the other.
    const parts = deciders.map((decider) => {
      const { file, test } = splitDecider(decider);
      const scenario = [...scenarios].find(([, path]) => path.endsWith(file))?.[0];
      if (!scenario)
        throw new ActionableError(`${what} is decided by ${file}, which is not a scenario file`, 'fix its decidedBy');
      return { scenario, test };
    });
    return {
      scenarios: [...new Set(parts.map((part) => part.scenario))],
      tests: parts.map((part) => part.test),
      claim,
    };
  }
  if (scenarios.has(what)) return { scenarios: [what], tests: [] };
  const byTest = [...scenarios].filter(([, path]) => readFileSync(path, 'utf8').includes(what));
  if (byTest.length === 1) return { scenarios: [byTest[0]![0]], tests: [what] };
  throw new UsageError(
    byTest.length > 1
      ? `"${what}" is in several scenarios: ${byTest.map(([name]) => name).join(', ')}`
      : `"${what}" is neither a claim id, a scenario, nor a test name`,
    'see fixtures/claims/*.yaml for claim ids and `npm run e2e -- --list` for scenarios',
  );
}

/** The saved transcript of the test whose name is, or contains, `test`. */
function findTranscript(outDir: string, test: string): SavedTranscript | undefined {
  const dir = join(outDir, TRANSCRIPTS_DIR);
  if (!existsSync(dir)) return undefined;
  return readdirSync(dir)
    .map((entry) => join(dir, entry, 'transcript.json'))
    .filter((file) => existsSync(file))
    .map((file) => JSON.parse(readFileSync(file, 'utf8')) as SavedTranscript)
    .find((saved) => saved.test === test || saved.test.includes(test));
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

runMain(async () => {
  const { flags, positionals } = parseFlags(
    process.argv.slice(2),
    { ...settingFlags(['clusterName', 'kubeconfig', 'out']), print: { type: 'string' } },
    USAGE,
  );
  if (positionals.length !== 1) throw new UsageError('name exactly one claim id, scenario or test', USAGE);
  const target = resolveTarget(positionals[0]!, discoverScenarios(resolve('suites')));
  const settings = readSettings(['clusterName', 'kubeconfig', 'out'], { flags, usage: USAGE });
  const outDir = resolve(settings.out);

  if (typeof flags.print === 'string') {
    if (target.tests.length === 0) throw new UsageError('--print needs one test: a claim id or a test name', USAGE);
    for (const test of target.tests) {
      const saved = findTranscript(outDir, test);
      if (!saved)
        throw new ActionableError(
          `no transcript of "${test}" in ${relative(process.cwd(), outDir)}`,
          `run it first: npm run repro -- ${positionals[0]} (or npm run e2e -- ${target.scenarios.join(' ')})`,
        );
      // One bundle per deciding test; a statement with parts gets one directory per part.
      const dir = target.tests.length === 1 ? resolve(flags.print) : join(resolve(flags.print), slug(test, 60));
      const written = await writeReproBundle(dir, saved, target.claim);
      console.log(`bundle: ${relative(process.cwd(), written)} (run repro.sh with kubectl pointed at your cluster)`);
    }
    return 0;
  }

  const clusterName =
    flags['cluster-name'] === undefined && !process.env.STS_CLUSTER_NAME ? 'sts-repro' : settings.clusterName;
  if (target.claim)
    console.log(
      `reproducing ${target.claim.claim.id}: "${target.claim.claim.quote}" (${target.claim.guide.guide}:${target.claim.claim.line})`,
    );
  const args = [
    resolve('scripts', 'e2e.ts'),
    ...target.scenarios,
    ...(target.tests.length > 0 ? ['--test', target.tests.map(escapeRegExp).join('|')] : []),
    ...(settings.kubeconfig
      ? ['--kubeconfig', settings.kubeconfig]
      : ['--cluster-name', clusterName, '--keep-cluster']),
    '--out',
    outDir,
    '--concurrency',
    '1',
  ];
  const exitCode = await new Promise<number>((done) => {
    const child = spawn(resolve('node_modules', '.bin', 'tsx'), args, {
      stdio: 'inherit',
      env: { ...process.env, [HANDOVER_ENV.repro]: '1' },
    });
    child.on('exit', (code, signal) => done(code ?? (signal ? 130 : 1)));
  });
  if (target.claim) {
    const decisions = (await readDecisions(outDir)).filter((decision) => decision.claim === target.claim?.claim.id);
    console.log(`\nthe guide (${target.claim.guide.guide}:${target.claim.claim.line}): "${target.claim.claim.quote}"`);
    for (const decision of decisions)
      console.log(
        `observed: ${decision.verdict}: ${decision.observed}${decision.qualifier ? ` (${decision.qualifier})` : ''}${target.tests.length > 1 ? ` [${splitDecider(decision.test).test}]` : ''}`,
      );
    if (decisions.length === 0) console.log('observed: no decision (the run did not get that far; see above)');
    // A statement with parts has a verdict only once every part was decided.
    const [row] = ledgerRows([{ ...target.claim.guide, claims: [target.claim.claim] }], decisions);
    if (row && decisions.length > 0) console.log(`the statement: ${rowVerdict(row)}`);
  }
  return exitCode;
});
