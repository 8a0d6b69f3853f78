/**
 * Reads what busybox's nslookup printed. Its exit code is not a verdict: busybox (1.29 and
 * later) exits 1 when any of the queries it made got no answer, even if the one that matters
 * succeeded, and exits 0 on some failures. So the output is parsed and the answer judged from it.
 *
 *   Server:    10.96.0.10
 *   Address:   10.96.0.10:53
 *
 *   Name:      web-0.web.ns.svc.cluster.local
 *   Address:   10.244.0.7
 *
 * Failures print "** server can't find NAME: NXDOMAIN", "*** Can't find NAME: No answer" or
 * ";; connection timed out; no servers could be reached".
 */
export type LookupOutcome =
  | { readonly kind: 'answer'; readonly addresses: readonly string[] }
  | { readonly kind: 'nxdomain' }
  | { readonly kind: 'no-answer' }
  | { readonly kind: 'unreachable' }
  | { readonly kind: 'unparsed'; readonly output: string };

export interface LookupResult {
  readonly name: string;
  readonly server?: string;
  readonly outcome: LookupOutcome;
}

export function parseNslookup(name: string, stdout: string, stderr = ''): LookupResult {
  const output = `${stdout}\n${stderr}`;
  const lines = output.split('\n').map((line) => line.trim());
  const server = lines.find((line) => line.startsWith('Server:'))?.replace(/^Server:\s*/, '');

  // Addresses count only after a "Name:" line: the "Address:" right under "Server:" is the resolver's own.
  const addresses: string[] = [];
  let inAnswer = false;
  for (const line of lines) {
    if (line.startsWith('Name:')) inAnswer = true;
    else if (line === '') inAnswer = false;
    else if (inAnswer && /^Address(\s+\d+)?:/.test(line))
      addresses.push(line.replace(/^Address(\s+\d+)?:\s*/, '').trim());
  }
  if (addresses.length > 0)
    return { name, server, outcome: { kind: 'answer', addresses: [...new Set(addresses)].sort(compareAddresses) } };
  if (/NXDOMAIN/.test(output)) return { name, server, outcome: { kind: 'nxdomain' } };
  if (/No answer/.test(output)) return { name, server, outcome: { kind: 'no-answer' } };
  if (/timed out|no servers could be reached|connection refused/i.test(output))
    return { name, server, outcome: { kind: 'unreachable' } };
  return { name, server, outcome: { kind: 'unparsed', output: output.trim().slice(0, 500) } };
}

export function describeOutcome(outcome: LookupOutcome): string {
  switch (outcome.kind) {
    case 'answer':
      return outcome.addresses.join(', ');
    case 'nxdomain':
      return 'NXDOMAIN';
    case 'no-answer':
      return 'no A record';
    case 'unreachable':
      return 'no DNS server reachable';
    case 'unparsed':
      return `unreadable output: ${JSON.stringify(outcome.output)}`;
  }
}

export function addressesOf(result: LookupResult): readonly string[] {
  return result.outcome.kind === 'answer' ? result.outcome.addresses : [];
}

function compareAddresses(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0 && Number.isFinite(diff)) return diff;
  }
  return a.localeCompare(b);
}
