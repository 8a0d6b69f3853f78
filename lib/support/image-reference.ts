/**
 * Docker image references as containerd normalises them, and the patterns the image map is keyed
 * by. Pure string work, shared by the toolchain (what it builds), the cluster providers (what
 * the nodes hold) and the transforms (what a manifest asks for).
 */

/** docker.io/library/busybox:1.36 -> { repository: 'docker.io/library/busybox', tag: '1.36' }; no tag is "latest". */
export function parseReference(reference: string): { repository: string; tag: string; digest?: string } {
  const [withoutDigest, digest] = reference.split('@') as [string, string | undefined];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > lastSlash;
  const repository = normaliseRepository(hasTag ? withoutDigest.slice(0, colon) : withoutDigest);
  const tag = hasTag ? withoutDigest.slice(colon + 1) : 'latest';
  return digest ? { repository, tag, digest } : { repository, tag };
}

/** busybox -> docker.io/library/busybox; bitnami/x -> docker.io/bitnami/x; a registry host stays. */
export function normaliseRepository(repository: string): string {
  const first = repository.split('/')[0] ?? '';
  const hasRegistry = repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasRegistry) return repository;
  return repository.includes('/') ? `docker.io/${repository}` : `docker.io/library/${repository}`;
}

/** The fully qualified form of a reference: docker.io/library/mysql:8.0 for mysql:8.0. */
export function qualifiedReference(reference: string): string {
  const { repository, tag, digest } = parseReference(reference);
  return digest ? `${repository}@${digest}` : `${repository}:${tag}`;
}

/**
 * Whether a reference falls under an image-map pattern. A pattern is a repository, matching every
 * tag, or a repository with a tag, matching that tag and the tags that refine it by version
 * components or a variant: `postgres:14` matches 14, 14.23, 14-bookworm and 14.23-alpine, not 140.
 * Repositories are compared normalised, so `mysql` and `docker.io/library/mysql:8.0` agree.
 */
export function matchesPattern(pattern: string, reference: string): boolean {
  const wanted = patternParts(pattern);
  const { repository, tag } = parseReference(reference);
  if (wanted.repository !== repository) return false;
  if (wanted.tag === undefined) return true;
  return tag === wanted.tag || tag.startsWith(`${wanted.tag}.`) || tag.startsWith(`${wanted.tag}-`);
}

/** A pattern's repository (normalised) and its tag, if it names one. */
export function patternParts(pattern: string): { repository: string; tag?: string } {
  const lastSlash = pattern.lastIndexOf('/');
  const colon = pattern.lastIndexOf(':');
  if (colon > lastSlash)
    return { repository: normaliseRepository(pattern.slice(0, colon)), tag: pattern.slice(colon + 1) };
  return { repository: normaliseRepository(pattern) };
}

/** How people write it: docker.io/library/postgres:14 -> postgres:14, mysql (any tag) -> mysql:*. */
export function shortPattern(pattern: string): string {
  const { repository, tag } = patternParts(pattern);
  const short = repository.replace(/^docker\.io\/library\//, '').replace(/^docker\.io\//, '');
  return `${short}:${tag === undefined ? '*' : `${tag}*`}`;
}

/**
 * The entry of an image map a reference falls under: the matching pattern with the most specific
 * tag (`postgres:14.22` before `postgres:14` before `postgres`), or undefined.
 */
export function mostSpecificMatch<T extends { readonly official: string }>(
  entries: readonly T[],
  reference: string,
): T | undefined {
  const specificity = (pattern: string) => patternParts(pattern).tag?.length ?? -1;
  return entries
    .filter((entry) => matchesPattern(entry.official, reference))
    .sort((a, b) => specificity(b.official) - specificity(a.official))[0];
}
