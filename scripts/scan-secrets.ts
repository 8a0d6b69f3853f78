/**
 * npm run scan:secrets -- [--out DIR]
 *
 * Searches every file under DIR (default out: reports, logs, timelines, recordings, kind's log
 * archives, the HTML report) for every secret the fixtures hold, and fails on a hit, naming the
 * file and where the secret comes from, never the value. `npm run e2e` runs the same check at its
 * end; CI runs this again after `npm run report`, which writes the HTML report.
 */
import { resolve } from 'node:path';
import { describeLeaks, scanArtifacts, summarizeScan } from '../lib/harness/artifact-scan.js';
import { readSettings, settingFlags } from '../lib/support/settings.js';
import { parseFlags, runMain } from './cli.js';

runMain(async () => {
  const usage = 'usage: npm run scan:secrets -- [--out DIR]';
  const { flags } = parseFlags(process.argv.slice(2), settingFlags(['out']), usage);
  const out = resolve(readSettings(['out'], { flags, usage }).out);
  const result = await scanArtifacts(out, resolve('fixtures'));
  console.log(summarizeScan(result));
  for (const line of describeLeaks(result)) console.error(`  leak: ${line}`);
  return result.leaks.length > 0 ? 1 : 0;
});
