/**
 * npm run report [-- --out DIR]: turns DIR/allure-results (written by `npm run e2e`, DIR defaults
 * to out) into one self-contained HTML file, DIR/report/index.html.
 */
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { execa } from 'execa';
import { ActionableError } from '../lib/support/errors.js';
import { readSettings, settingFlags } from '../lib/support/settings.js';
import { parseFlags, runMain } from './cli.js';

runMain(async () => {
  const usage = 'usage: npm run report -- [--out DIR]';
  const { flags } = parseFlags(process.argv.slice(2), settingFlags(['out']), usage);
  const out = resolve(readSettings(['out'], { flags, usage }).out);
  const results = resolve(out, 'allure-results');
  if (!existsSync(results) || readdirSync(results).length === 0) {
    throw new ActionableError(`no Allure results in ${results}`, 'run `npm run e2e` first');
  }
  await execa(
    'npx',
    ['allure', 'generate', results, '--config', resolve('scripts', 'allurerc.mjs'), '--output', resolve(out, 'report')],
    { stdio: 'inherit' },
  );
  const index = resolve(out, 'report', 'index.html');
  if (!existsSync(index)) throw new ActionableError(`allure generate wrote no ${index}`, 'see its output above');
  console.log(`report: ${index}`);
});
