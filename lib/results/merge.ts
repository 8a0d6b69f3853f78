import { createHash } from 'node:crypto';
import { ActionableError } from '../support/errors.js';
import { RESULTS_SCHEMA, type RunResults, type ShardInfo } from './schema.js';

/**
 * The shards of one run as one run: the tests of every part, the cluster facts of the first (the
 * parts ran on one Kubernetes version, each job on its own cluster). A test in two parts is a
 * sharding mistake, and parts of different versions are different runs: both are refused.
 */
export function mergeRunResults(parts: readonly RunResults[]): RunResults {
  const [first] = parts;
  if (!first) throw new ActionableError('nothing to merge', 'pass the results of at least one run or shard');
  const versions = [...new Set(parts.map((part) => part.cluster.serverVersion))];
  if (versions.length > 1)
    throw new ActionableError(
      `the parts ran on different Kubernetes versions (${versions.join(', ')})`,
      'merge the shards of one version at a time, and compare versions with `npm run compare`',
    );
  const seen = new Map<string, number>();
  parts.forEach((part, index) => {
    for (const test of part.tests) {
      const other = seen.get(test.id);
      if (other !== undefined)
        throw new ActionableError(
          `test "${test.id}" is in part ${other + 1} and in part ${index + 1}`,
          'merge the shards of one run (each ran with another --shard I/N), not the same shard twice',
        );
      seen.set(test.id, index);
    }
  });
  const shards = parts.flatMap((part) => part.shards);
  const counts = new Set(shards.map((shard) => shard.count));
  if (counts.size > 1 || (shards.length > 0 && shards.length < parts.length))
    throw new ActionableError(
      `the parts were cut differently (${parts.map((part) => part.shards.map(describeShard).join('+') || 'whole run').join(', ')})`,
      'merge the shards of one run, all made with the same --shard I/COUNT',
    );
  return {
    schema: RESULTS_SCHEMA,
    runIds: parts.flatMap((part) => part.runIds),
    startedAt: parts.map((part) => part.startedAt).sort()[0] as string,
    finishedAt: parts.map((part) => part.finishedAt).sort()[parts.length - 1] as string,
    shards: [...shards].sort((a, b) => a.index - b.index),
    cluster: first.cluster,
    ...(parts.every((part) => part.host)
      ? {
          host: {
            cpus: Math.min(...parts.map((part) => part.host?.cpus ?? 0)),
            loadAverage: parts.flatMap((part) => part.host?.loadAverage ?? []),
          },
        }
      : {}),
    tests: parts.flatMap((part) => part.tests),
  };
}

/** Shards of the run that are not in its results (a job that never got to write them). */
export function missingShards(results: RunResults): ShardInfo[] {
  const count = results.shards[0]?.count;
  if (count === undefined) return [];
  const present = new Set(results.shards.map((shard) => shard.index));
  return Array.from({ length: count }, (_, index) => ({ index: index + 1, count })).filter(
    (shard) => !present.has(shard.index),
  );
}

export const describeShard = (shard: ShardInfo) => `${shard.index}/${shard.count}`;

/**
 * JUnit reports of several parts as one: vitest writes one <testsuite> per file under a
 * <testsuites> root, so the parts' suites go under one root whose counts are the sums.
 */
export function mergeJunitReports(reports: readonly string[], name = 'statefulset-conformance'): string {
  const suites: string[] = [];
  const totals = { tests: 0, failures: 0, errors: 0, time: 0 };
  for (const report of reports) {
    for (const match of report.matchAll(/<testsuite\b[^>]*?(?:\/>|>[\s\S]*?<\/testsuite>)/g)) {
      const suite = match[0];
      suites.push(suite);
      const head = /<testsuite\b[^>]*>/.exec(suite)?.[0] ?? '';
      for (const key of ['tests', 'failures', 'errors', 'time'] as const) {
        const value = Number(new RegExp(`\\s${key}="([^"]*)"`).exec(head)?.[1] ?? 0);
        totals[key] += Number.isFinite(value) ? value : 0;
      }
    }
  }
  return [
    '<?xml version="1.0" encoding="UTF-8" ?>',
    `<testsuites name="${name}" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" time="${Number(totals.time.toFixed(3))}">`,
    ...suites.map((suite) => `    ${suite}`),
    '</testsuites>',
    '',
  ].join('\n');
}

/**
 * An Allure result of a run on `version`, told apart from the same test on another version: a
 * visible "Kubernetes" parameter and a history id of its own, so one report of several versions
 * shows each test once per version instead of as retries of one another.
 */
export function stampAllureResult(result: Record<string, unknown>, version: string): Record<string, unknown> {
  const parameters = (result.parameters as Array<{ name: string }> | undefined) ?? [];
  if (parameters.some((parameter) => parameter.name === 'Kubernetes')) return result;
  const history = String(result.historyId ?? result.fullName ?? result.name ?? '');
  return {
    ...result,
    historyId: createHash('md5').update(`${history}\0${version}`).digest('hex'),
    parameters: [...parameters, { name: 'Kubernetes', value: version }],
  };
}

/** The ledger's pages (lib/claims/publish.ts): each shard publishes the whole ledger; the merge publishes it once. */
export function isLedgerPage(result: Record<string, unknown>): boolean {
  return String(result.fullName ?? '').startsWith('claims:');
}
