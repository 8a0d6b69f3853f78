import type { PodIdentityObservation } from '../invariants/identity.js';
import { execInPod } from '../kube/exec.js';
import type { OwnedNamespace } from '../kube/namespace.js';
import { getPod } from '../kube/verbs.js';

/**
 * What the API server has as the pod's spec.hostname and spec.subdomain, and what the pod makes
 * of it: `hostname -f` run inside it.
 *
 * Why `hostname -f` is an honest reading in the workload image (Debian's busybox-static 1.35):
 * busybox prints gethostbyname(hostname)->h_name, the canonical name of the host. The binary is
 * statically linked with glibc 2.36 and the image has no /etc/nsswitch.conf, so glibc's built-in
 * default for hosts applies, which since glibc 2.35 is "files dns" (the string is in the binary):
 * /etc/hosts first. The kubelet writes there `<podIP>\t<pod>.<subdomain>.<ns>.svc.<domain>\t<pod>`
 * for a pod with spec.subdomain, and only `<podIP>\t<pod>` for one without, and the first name of
 * the line is the canonical one. DNS cannot be where the FQDN comes from: the resolv.conf search
 * list (<ns>.svc.<domain>, svc.<domain>, <domain>) never yields <pod>.<service>.<ns>.svc.<domain>.
 * So `hostname -f` reads exactly what the kubelet made of spec.hostname and spec.subdomain; the
 * /etc/hosts line goes along in the observation as evidence.
 */
export async function readPodIdentity(
  namespace: OwnedNamespace,
  pod: string,
  container: string,
): Promise<PodIdentityObservation> {
  const spec = (await getPod(namespace, pod)).spec;
  const [fqdn, hosts] = await Promise.all([
    execInPod(namespace, pod, ['hostname', '-f'], { container }),
    execInPod(namespace, pod, ['cat', '/etc/hosts'], { container }),
  ]);
  const hostname = spec?.hostname ?? pod;
  const line = hostsLineFor(hosts.stdout, hostname);
  return {
    pod,
    specHostname: spec?.hostname,
    specSubdomain: spec?.subdomain,
    fqdn: fqdn.exitCode === 0 ? fqdn.stdout.trim() : undefined,
    fqdnNote:
      fqdn.exitCode === 0
        ? `/etc/hosts: ${line ?? `no line for ${hostname}`}`
        : `exit ${fqdn.exitCode}: ${fqdn.stderr.trim() || fqdn.stdout.trim()}`,
  };
}

/** The /etc/hosts line that names this host (as its canonical name or an alias), whitespace collapsed. */
export function hostsLineFor(hostsFile: string, hostname: string): string | undefined {
  for (const raw of hostsFile.split('\n')) {
    const fields = raw.replace(/#.*/, '').trim().split(/\s+/);
    if (fields.length >= 2 && fields.slice(1).includes(hostname)) return fields.join(' ');
  }
  return undefined;
}
