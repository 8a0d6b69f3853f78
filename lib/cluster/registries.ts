/**
 * Whether this machine can pull from the registries a stock kind cluster pulls from. Any HTTP
 * answer counts as reachable (an unauthenticated registry answers 401); only network failures
 * and timeouts count as unreachable.
 */
const PUBLIC_REGISTRIES = ['https://registry-1.docker.io/v2/', 'https://registry.k8s.io/v2/'] as const;

export async function registriesReachable(
  urls: readonly string[] = PUBLIC_REGISTRIES,
  timeoutMs = 5000,
): Promise<boolean> {
  const answers = await Promise.all(
    urls.map(async (url) => {
      try {
        await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(timeoutMs) });
        return true;
      } catch {
        return false;
      }
    }),
  );
  return answers.every(Boolean);
}
