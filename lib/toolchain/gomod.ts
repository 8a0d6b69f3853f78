/**
 * Throwaway "wrapper" modules: the way to build a program from the Go module proxy when
 * `go install pkg@version` cannot (the module has replace directives) or when the build
 * should keep the target's language version and GODEBUG defaults, which only the main
 * module's go.mod decides.
 */
export interface WrapperModule {
  /** Module path of the wrapper itself. */
  readonly name: string;
  /** go.mod text of the module being built, as the proxy serves it. */
  readonly targetGoMod: string;
  readonly module: string;
  readonly version: string;
  /** Extra `replace` lines, e.g. from {@link stagingReplaces}. */
  readonly replaces?: readonly string[];
}

export function wrapperGoMod(wrapper: WrapperModule): string {
  const directives = parseDirectives(wrapper.targetGoMod);
  const lines = [`module ${wrapper.name}`, ''];
  lines.push(`go ${directives.go ?? '1.22'}`, '');
  if (directives.godebug.length > 0) lines.push(...directives.godebug.map((entry) => `godebug ${entry}`), '');
  lines.push(`require ${wrapper.module} ${wrapper.version}`, '');
  if (wrapper.replaces?.length) lines.push(...wrapper.replaces, '');
  return lines.join('\n');
}

/**
 * k8s.io/kubernetes requires its staging modules at v0.0.0 and maps them to ./staging with
 * replace directives, which Go ignores in a dependency. A wrapper must map each of them to
 * the published tag instead. The list is read from Kubernetes' own go.mod so that a
 * Kubernetes release adding a staging module needs no edit here.
 */
export function stagingReplaces(kubernetesGoMod: string, stagingVersion: string): string[] {
  const replaces: string[] = [];
  const pattern = /^\s*(?:replace\s+)?(k8s\.io\/[\w.-]+)\s+=>\s+\.\/staging\/src\/\1\s*$/gm;
  for (const match of kubernetesGoMod.matchAll(pattern)) {
    replaces.push(`replace ${match[1]} => ${match[1]} ${stagingVersion}`);
  }
  if (replaces.length === 0)
    throw new Error('no "=> ./staging/src/" replace directives found in the Kubernetes go.mod');
  return replaces;
}

/** The `go` line and `godebug` entries (single-line and block forms) of a go.mod. */
export function parseDirectives(goMod: string): { go?: string; godebug: string[] } {
  const go = /^go\s+(\S+)\s*$/m.exec(goMod)?.[1];
  const godebug: string[] = [];
  for (const match of goMod.matchAll(/^godebug\s+([^(\s][^\n]*?)\s*$/gm)) godebug.push(match[1] as string);
  for (const block of goMod.matchAll(/^godebug\s*\(\n([\s\S]*?)^\)/gm)) {
    for (const line of (block[1] as string).split('\n')) {
      const entry = line.replace(/\/\/.*$/, '').trim();
      if (entry) godebug.push(entry);
    }
  }
  return { go, godebug };
}

/** A `//go:build tools` file importing the packages, so `go mod tidy` resolves them. */
export function toolsFile(packages: readonly string[]): string {
  return [
    '//go:build tools',
    '',
    'package tools',
    '',
    'import (',
    ...packages.map((pkg) => `\t_ "${pkg}"`),
    ')',
    '',
  ].join('\n');
}
