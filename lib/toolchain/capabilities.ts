/** Linux capability names by number (include/uapi/linux/capability.h). */
const CAPABILITY_NAMES = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
] as const;

/**
 * The capabilities a privileged container would ask for that this host cannot grant:
 * every capability the kernel knows (0..cap_last_cap) that is absent from the bounding set
 * of this process. Docker gives privileged containers every capability it knows, and runc
 * fails with "unable to apply caps" when one of them is outside the bounding set.
 *
 * @param procStatus contents of /proc/self/status
 * @param capLastCap contents of /proc/sys/kernel/cap_last_cap
 */
export function missingCapabilities(procStatus: string, capLastCap: string): string[] {
  const match = /^CapBnd:\s*([0-9a-f]+)\s*$/m.exec(procStatus);
  if (!match?.[1]) throw new Error('no CapBnd line in /proc/self/status');
  const bounding = BigInt(`0x${match[1]}`);
  const last = Number.parseInt(capLastCap.trim(), 10);
  if (!Number.isInteger(last) || last < 0) throw new Error(`unreadable cap_last_cap: ${JSON.stringify(capLastCap)}`);
  const missing: string[] = [];
  for (let capability = 0; capability <= last; capability++) {
    const name = CAPABILITY_NAMES[capability];
    if (name && (bounding & (1n << BigInt(capability))) === 0n) missing.push(name);
  }
  return missing;
}
