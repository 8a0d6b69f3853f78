/**
 * npm run lint:workflows: checks .github/workflows/*.yml with actionlint (which also runs
 * shellcheck over their `run:` blocks when shellcheck is installed) and the .ci scripts with
 * shellcheck. actionlint is ACTIONLINT, else the one on PATH, else built once from the Go module
 * proxy into the toolchain cache (<cache>/tools/actionlint-<version>), never into the repository.
 * Exit code 1 if either finds something.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { ActionableError } from '../lib/support/errors.js';
import { formatDuration } from '../lib/support/format.js';
import { cacheLayout } from '../lib/toolchain/cache.js';
import { onPath } from '../lib/toolchain/host.js';
import { runMain } from './cli.js';

/** The newest actionlint the Go module proxy reachable here serves (v1.7.13 and later answer 403). */
const ACTIONLINT_VERSION = 'v1.7.12';

async function actionlint(): Promise<string> {
  if (process.env.ACTIONLINT) return process.env.ACTIONLINT;
  if (onPath('actionlint')) return 'actionlint';
  const cache = cacheLayout();
  const bin = join(cache.root, 'tools', `actionlint-${ACTIONLINT_VERSION}`);
  const binary = join(bin, 'actionlint');
  if (existsSync(binary)) return binary;
  if (!onPath('go'))
    throw new ActionableError(
      'actionlint is not installed and there is no Go to build it',
      'install Go, or set ACTIONLINT',
    );
  const started = Date.now();
  console.log(`building actionlint ${ACTIONLINT_VERSION} from the Go module proxy into ${bin} (once)`);
  const built = await execa('go', ['install', `github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}`], {
    env: {
      GOBIN: bin,
      GOTOOLCHAIN: 'local',
      GOFLAGS: '',
      GOMODCACHE: cache.goModCache,
      GOCACHE: cache.goBuildCache,
    },
    reject: false,
    all: true,
  });
  if (built.exitCode !== 0)
    throw new ActionableError(
      `could not build actionlint ${ACTIONLINT_VERSION}: ${(built.all ?? '').trim().split('\n').pop()}`,
      'check that the Go module proxy (go env GOPROXY) answers, or set ACTIONLINT to an actionlint binary',
    );
  console.log(`built actionlint in ${formatDuration((Date.now() - started) / 1000)}`);
  return binary;
}

runMain(async () => {
  const workflows = resolve('.github', 'workflows');
  const files = existsSync(workflows)
    ? readdirSync(workflows)
        .filter((file) => /\.ya?ml$/.test(file))
        .map((file) => join(workflows, file))
    : [];
  let failed = false;
  if (files.length > 0) {
    const linter = await actionlint();
    const version = (await execa(linter, ['-version'], { reject: false })).stdout.split('\n')[0];
    const result = await execa(linter, files, { reject: false, all: true });
    if (result.all) console.log(result.all);
    console.log(
      `actionlint ${version}${onPath('shellcheck') ? ' with shellcheck' : ' (shellcheck not installed: run: blocks unchecked)'}: ${files.length} workflow(s), ${result.exitCode === 0 ? 'no findings' : 'FINDINGS above'}`,
    );
    failed ||= result.exitCode !== 0;
  }
  const scripts = readdirSync(resolve('.ci')).map((file) => join('.ci', file));
  if (onPath('shellcheck')) {
    const result = await execa('shellcheck', scripts, { reject: false, all: true });
    if (result.all) console.log(result.all);
    console.log(`shellcheck: ${scripts.join(', ')}: ${result.exitCode === 0 ? 'no findings' : 'FINDINGS above'}`);
    failed ||= result.exitCode !== 0;
  } else {
    console.log(`shellcheck not installed: ${scripts.join(', ')} unchecked (Debian: apt-get install shellcheck)`);
  }
  return failed ? 1 : 0;
});
