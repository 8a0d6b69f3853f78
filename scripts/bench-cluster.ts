/**
 * npm run bench:cluster -- [--runs 3] [--workers N]
 *
 * Cluster creation time from the cached offline node image: creates and deletes a kind cluster
 * `runs` times and reports each time and the median (target: <= 90 s for one node). Writes
 * out/bench/cluster.json. A benchmark, not a test: it reports, it does not fail on the target.
 */
import { join } from 'node:path';
import { Kind } from '../lib/cluster/kind.js';
import { prepareOffline } from '../lib/toolchain/prepare.js';
import { UsageError } from '../lib/support/errors.js';
import { formatDuration } from '../lib/support/format.js';
import { readSettings, settingFlags } from '../lib/support/settings.js';
import { median, writeJson } from './bench-support.js';
import { parseFlags, runMain } from './cli.js';

const TARGET_SECONDS = 90;

runMain(async () => {
  const usage = 'usage: npm run bench:cluster -- [--runs N] [--workers N]';
  const { flags } = parseFlags(
    process.argv.slice(2),
    { runs: { type: 'string' }, ...settingFlags(['workers']) },
    usage,
  );
  const runs = Number(flags.runs ?? 3);
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError('--runs takes a whole number', usage);
  const { workers } = readSettings(['workers'], { flags, usage });

  const artifacts = await prepareOffline({ say: () => {} });
  const kind = new Kind(artifacts.kind);
  const seconds: number[] = [];
  for (let run = 1; run <= runs; run++) {
    const name = `sts-bench-${process.pid}-${run}`;
    const started = Date.now();
    try {
      await kind.create({
        name,
        image: artifacts.nodeImage,
        workers,
        kubeconfig: join('out', 'bench', `${name}.kubeconfig`),
        failureLogDir: join('out', 'bench'),
      });
      seconds.push((Date.now() - started) / 1000);
      console.log(
        `run ${run}: cluster with ${workers} worker(s) Ready in ${formatDuration(seconds[seconds.length - 1] as number)}`,
      );
    } finally {
      await kind.delete(name).catch(() => undefined);
    }
  }
  const result = {
    nodeImage: artifacts.nodeImage,
    workers,
    runs: seconds,
    medianSeconds: median(seconds),
    targetSeconds: workers === 0 ? TARGET_SECONDS : undefined,
  };
  await writeJson(join('out', 'bench', `cluster-${workers}w.json`), result);
  console.log(
    `median of ${runs}: ${formatDuration(result.medianSeconds)}${workers === 0 ? ` (target <= ${TARGET_SECONDS}s: ${result.medianSeconds <= TARGET_SECONDS ? 'met' : 'missed'})` : ''}`,
  );
});
