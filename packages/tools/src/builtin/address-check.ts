import { BlockList, isIP } from 'node:net';

/** Address ranges `http_fetch` never reaches unless allowed: this host, private networks, link-local, multicast. */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv6');

/** The IPv4 address inside an IPv4-mapped or -compatible IPv6 address (`::ffff:127.0.0.1`), if any. */
function embeddedIpv4(address: string): string | undefined {
  const match = /^(?:::ffff:|::)(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (match?.[1]) return match[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hex?.[1] && hex[2]) {
    const high = Number.parseInt(hex[1], 16);
    const low = Number.parseInt(hex[2], 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return undefined;
}

/** True for addresses of this host, private networks, link-local, multicast and reserved ranges. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    if (v4 !== undefined) return PRIVATE.check(v4, 'ipv4');
    return PRIVATE.check(address, 'ipv6');
  }
  return PRIVATE.check(address, 'ipv4');
}

/** `HTTP_FETCH_ALLOW` read: host names (any port or one), addresses and CIDR ranges. */
export interface FetchAllowList {
  /** True when the target (its name as written, its port, the address it resolved to) is listed. */
  allows(host: string, port: number, address: string): boolean;
}

/** Read `HTTP_FETCH_ALLOW` entries: `host`, `host:port`, `10.0.0.5`, `[::1]:8080`, `10.0.0.0/8`. */
export function parseAllowList(entries: readonly string[]): FetchAllowList {
  const ranges = new BlockList();
  const hosts: { host: string; port: number | undefined }[] = [];
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    const cidr = /^([0-9a-f.:]+)\/(\d{1,3})$/.exec(entry);
    if (cidr?.[1] && cidr[2] && isIP(cidr[1]) !== 0) {
      ranges.addSubnet(cidr[1], Number(cidr[2]), isIP(cidr[1]) === 6 ? 'ipv6' : 'ipv4');
      continue;
    }
    const bracketed = /^\[([0-9a-f:.]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed?.[1]) {
      hosts.push({ host: bracketed[1], port: bracketed[2] ? Number(bracketed[2]) : undefined });
      continue;
    }
    if (isIP(entry) !== 0) {
      hosts.push({ host: entry, port: undefined });
      continue;
    }
    const named = /^([^:]+)(?::(\d+))?$/.exec(entry);
    if (named?.[1]) hosts.push({ host: named[1], port: named[2] ? Number(named[2]) : undefined });
  }
  return {
    allows(host, port, address) {
      const name = host.toLowerCase().replace(/^\[|\]$/g, '');
      if (
        hosts.some(
          (entry) => (entry.host === name || entry.host === address) && (entry.port ?? port) === port,
        )
      )
        return true;
      const family = isIP(address);
      return family !== 0 && ranges.check(address, family === 6 ? 'ipv6' : 'ipv4');
    },
  };
}
