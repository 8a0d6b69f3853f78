import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Scenario files by name: suites/core/ordered-creation.test.ts is "ordered-creation". A name
 * used twice is an error, so `npm run e2e -- NAME` always means one file.
 */
export function discoverScenarios(dir: string): Map<string, string> {
  const scenarios = new Map<string, string>();
  const walk = (current: string) => {
    for (const entry of readdirSync(current).sort()) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.test.ts')) {
        const name = entry.replace(/\.test\.ts$/, '');
        const known = scenarios.get(name);
        if (known) throw new Error(`two scenarios are named ${name}: ${known} and ${path}`);
        scenarios.set(name, path);
      }
    }
  };
  walk(dir);
  return scenarios;
}
