import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import type { SavedTranscript } from '../harness/transcripts.js';
import { shellQuote } from '../support/transcript.js';
import type { Claim, GuideLedger } from './ledger.js';

/**
 * A reproduction bundle for someone else's cluster: the manifests a test applied, repro.sh with
 * its kubectl steps in order (waits and steps as comments), and expected.md with the guide's
 * statement. The namespaces become $NS, $NS2...; Secrets are never written: repro.sh creates them
 * with fresh random values, so no credential of the fixtures leaves the suite.
 */
export async function writeReproBundle(
  dir: string,
  saved: SavedTranscript,
  claim?: { guide: GuideLedger; claim: Claim },
): Promise<string> {
  await mkdir(join(dir, 'manifests'), { recursive: true });
  const variables = new Map(saved.namespaces.map((name, index) => [name, index === 0 ? 'NS' : `NS${index + 1}`]));
  const lines = [
    '#!/bin/sh',
    `# The kubectl steps of "${saved.test}", as the conformance suite ran them.`,
    '# Point kubectl at a cluster (KUBECONFIG) first; the namespaces are created here and kept.',
    'set -eu',
    // Exported: the wait loops run in `sh -c '...'` and read them from the environment.
    ...[...variables.values()].map(
      (variable) => `export ${variable}="\${${variable}:-repro-${variable.toLowerCase()}-$$}"`,
    ),
    ...[...variables.values()].map((variable) => `kubectl create namespace "$${variable}"`),
    'secret() { head -c 18 /dev/urandom | base64 | tr -d "/+=\\n"; }',
  ];
  const plain = (text: string) =>
    [...variables].reduce((current, [name, variable]) => current.split(name).join(`$${variable}`), text);
  for (const entry of saved.entries) {
    if (entry.comment !== undefined) lines.push(`# ${plain(entry.comment)}`);
    if (entry.shell) lines.push(plain(entry.shell));
    if (!entry.argv) continue;
    for (const [name, text] of Object.entries(entry.files ?? {})) {
      const { manifest, secrets } = withoutSecrets(text);
      await writeFile(join(dir, 'manifests', name), manifest);
      const namespace = entry.argv[entry.argv.indexOf('-n') + 1] ?? '';
      for (const secret of secrets)
        lines.push(
          `kubectl create secret generic ${shellQuote(secret.name)} -n "$${variables.get(namespace) ?? 'NS'}" ${secret.keys.map((key) => `--from-literal=${shellQuote(key)}="$(secret)"`).join(' ')}`,
        );
    }
    lines.push(
      ['kubectl', ...entry.argv.map((word) => (entry.files && word in entry.files ? `manifests/${word}` : word))]
        .map((word) => withVariables(word, variables))
        .join(' '),
    );
  }
  await writeFile(join(dir, 'repro.sh'), `${lines.join('\n')}\n`, { mode: 0o755 });
  const expected = [
    `# What to look for: ${saved.test}`,
    '',
    ...(claim
      ? [`The guide (${claim.guide.guide}, line ${claim.claim.line}) says:`, '', `> ${claim.claim.quote}`, '']
      : []),
    'The deciding observation is the last step of repro.sh; the conformance run judged it from the',
    "API server's recorded timeline (see the run's report for the verdict and its evidence).",
    '',
  ];
  await writeFile(join(dir, 'expected.md'), expected.join('\n'));
  return dir;
}

/** The manifest with its Secrets taken out, and what they held (names and keys, never values). */
export function withoutSecrets(text: string): { manifest: string; secrets: Array<{ name: string; keys: string[] }> } {
  const secrets: Array<{ name: string; keys: string[] }> = [];
  const kept: string[] = [];
  for (const document of parseAllDocuments(text)) {
    const object = document.toJSON() as {
      kind?: string;
      metadata?: { name?: string };
      data?: object;
      stringData?: object;
    } | null;
    if (!object) continue;
    if (object.kind === 'Secret') {
      secrets.push({
        name: object.metadata?.name ?? 'secret',
        keys: [...new Set([...Object.keys(object.data ?? {}), ...Object.keys(object.stringData ?? {})])],
      });
      continue;
    }
    kept.push(`---\n${stringify(object)}`);
  }
  return { manifest: kept.join(''), secrets };
}

/** A word with each namespace replaced by its variable, quoted so the shell expands it. */
export function withVariables(word: string, variables: ReadonlyMap<string, string>): string {
  let replaced = word;
  let touched = false;
  for (const [name, variable] of variables) {
    if (!replaced.includes(name)) continue;
    replaced = replaced.split(name).join(`\u0000${variable}\u0000`);
    touched = true;
  }
  if (!touched) return shellQuote(word);
  // Double quotes: $NS expands; escape what double quotes would interpret.
  const escaped = replaced.replace(/[\\"`$]/g, '\\$&').replace(/\u0000(\w+)\u0000/g, '${$1}');
  return `"${escaped}"`;
}
