/**
 * Readers for the parts of kind's source that the offline node image must agree with: the
 * package list of its base image, the node manifests and the image names in them, and its
 * containerd configuration. Reading them from the pinned kind module (instead of copying
 * them here) keeps the node image consistent with the kind CLI that boots it.
 */

/** Debian packages kind's base image installs (the `clean-install` list of images/base/Dockerfile). */
export function kindBasePackages(dockerfile: string): string[] {
  const match = /clean-install\s*\\?\n([\s\S]*?)&&/.exec(dockerfile);
  if (!match?.[1]) throw new Error('no "clean-install ... &&" package list in kind\'s base Dockerfile');
  const packages = match[1].split(/[\s\\]+/).filter((word) => /^[a-z0-9][a-z0-9+.-]+$/.test(word));
  if (packages.length === 0) throw new Error("empty package list in kind's base Dockerfile");
  return packages;
}

/** `const name = "value"` declarations of a Go file. */
export function goStringConstants(goSource: string): Map<string, string> {
  const constants = new Map<string, string>();
  for (const match of goSource.matchAll(/^\s*(?:const\s+)?(\w+)\s*=\s*"([^"\n]*)"\s*$/gm)) {
    constants.set(match[1] as string, match[2] as string);
  }
  return constants;
}

/**
 * The value of a Go raw-string constant written as "`...` + name + `...`" (how kind embeds
 * image names in its manifests), with the named string constants substituted.
 */
export function goRawStringConstant(goSource: string, name: string, constants: ReadonlyMap<string, string>): string {
  const start = new RegExp(`^const\\s+${name}\\s*=\\s*\``, 'm').exec(goSource);
  if (!start) throw new Error(`no raw string constant ${name}`);
  let rest = goSource.slice(start.index + start[0].length);
  let value = '';
  for (;;) {
    const end = rest.indexOf('`');
    if (end < 0) throw new Error(`unterminated raw string in ${name}`);
    value += rest.slice(0, end);
    rest = rest.slice(end + 1);
    const concatenation = /^\s*\+\s*(\w+)\s*\+\s*`/.exec(rest);
    if (!concatenation) return value;
    const constant = concatenation[1] as string;
    const substituted = constants.get(constant);
    if (substituted === undefined) throw new Error(`${name} refers to unknown constant ${constant}`);
    value += substituted;
    rest = rest.slice(concatenation[0].length);
  }
}

/** The pause image containerd's CRI uses for pod sandboxes (`sandbox_image`). */
export function sandboxImage(containerdConfig: string): string {
  const match = /^\s*sandbox_image\s*=\s*"([^"]+)"/m.exec(containerdConfig);
  if (!match?.[1]) throw new Error('no sandbox_image in containerd config');
  return match[1];
}

/**
 * Named transform of kind's containerd config for hosts where nobody may lower
 * oom_score_adj (no CAP_SYS_RESOURCE): containerd's CRI gives pod sandboxes -998, runc then
 * fails with "failed to update /proc/self/oom_score_adj: Permission denied". With the
 * restriction, containerd never asks for a score below its own. kind only does this for
 * rootless nodes.
 */
export function restrictOomScoreAdj(containerdConfig: string): string {
  const pattern = /^([ \t]*restrict_oom_score_adj[ \t]*=[ \t]*)false[ \t]*$/m;
  if (!pattern.test(containerdConfig)) {
    if (/^\s*restrict_oom_score_adj\s*=\s*true\s*$/m.test(containerdConfig)) return containerdConfig;
    throw new Error('no "restrict_oom_score_adj = false" in containerd config to flip');
  }
  return containerdConfig.replace(pattern, '$1true');
}

/** Image references in a manifest (`image:` fields and `--helper-image` style arguments). */
export function imagesInManifest(manifest: string): string[] {
  const images = new Set<string>();
  for (const match of manifest.matchAll(/^\s*(?:-\s+)?image:\s*["']?([^\s"']+)["']?\s*$/gm))
    images.add(match[1] as string);
  return [...images];
}

/**
 * Named transform of a manifest: every `image:` field naming `from` names `to` instead.
 * Fails when `from` is absent, so a renamed upstream image cannot slip through unreplaced.
 */
export function replaceImage(manifest: string, from: string, to: string): string {
  const escaped = from.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const pattern = new RegExp(`^([ \\t]*(?:-[ \\t]+)?image:[ \\t]*["']?)${escaped}(["']?[ \\t]*)$`, 'gm');
  if (!new RegExp(pattern.source, 'm').test(manifest)) throw new Error(`no image: ${from} in manifest`);
  return manifest.replace(pattern, `$1${to}$2`);
}
