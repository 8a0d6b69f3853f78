/**
 * npm run report [-- --out DIR] [RUN_DIR...]: turns DIR/allure-results (written by `npm run e2e`,
 * `npm run results:merge` and `npm run compare`; DIR defaults to out) and each RUN_DIR's
 * allure-results into one self-contained HTML file, DIR/report/index.html: one report of several
 * runs, e.g. the merged runs of each Kubernetes version of a night and their comparison.
 */
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { execa } from 'execa';
import { ActionableError, UsageError } from '../lib/support/errors.js';
import { readSettings, settingFlags } from '../lib/support/settings.js';
import { parseFlags, runMain } from './cli.js';

runMain(async () => {
  const usage = 'usage: npm run report -- [--out DIR] [RUN_DIR...]';
  const { flags, positionals } = parseFlags(process.argv.slice(2), settingFlags(['out']), usage);
  const out = resolve(readSettings(['out'], { flags, usage }).out);
  const hasResults = (dir: string) => existsSync(dir) && readdirSync(dir).length > 0;
  const sources = [out, ...positionals.map((dir) => resolve(dir))].map((dir) => resolve(dir, 'allure-results'));
  for (const source of sources.slice(1))
    if (!hasResults(source))
      throw new UsageError(`no Allure results in ${source}`, 'pass the --out directory of a run');
  const results = sources.filter(hasResults);
  if (results.length === 0) {
    throw new ActionableError(`no Allure results in ${sources[0]}`, 'run `npm run e2e` first');
  }
  await execa(
    'npx',
    [
      'allure',
      'generate',
      ...results,
      '--config',
      resolve('scripts', 'allurerc.mjs'),
      '--output',
      resolve(out, 'report'),
    ],
    { stdio: 'inherit' },
  );
  const index = resolve(out, 'report', 'index.html');
  if (!existsSync(index)) throw new ActionableError(`allure generate wrote no ${index}`, 'see its output above');
  console.log(`report: ${index}`);
});
