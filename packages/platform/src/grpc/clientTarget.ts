// Where a gRPC client connects: one address, a comma-separated list of replicas, or a grpc-js target with a
// scheme, and the service-config piece that spreads calls over every address the target resolves to.
import net from 'node:net';

const schemeTarget = /^(dns|ipv4|ipv6|unix|unix-abstract):/;

/** Over every address of the target, one call after another; an address that is down is skipped until it is back. */
export const roundRobinLoadBalancing = [{ round_robin: {} }];

/**
 * The grpc-js target for `addresses`: a target with a scheme (`dns:///loms:50052`, `ipv4:…`) or one `host:port`
 * as it is; several `ip:port` become one `ipv4:` (or `ipv6:`, `[ip]:port`) target. grpc-js resolves no list of
 * host names, so several names are refused: name them by one DNS name that resolves to every replica instead.
 */
export function clientTarget(addresses: string): string {
  const value = addresses.trim();
  if (value === '') throw new Error('must name at least one address');
  if (schemeTarget.test(value)) return value;
  const parts = value.split(',').map((part) => part.trim());
  if (parts.length === 1) return value;
  const hosts = parts.map(hostOf);
  if (hosts.every((host) => net.isIPv4(host))) return `ipv4:${parts.join(',')}`;
  if (hosts.every((host) => host.startsWith('[') && net.isIPv6(host.slice(1, -1)))) return `ipv6:${parts.join(',')}`;
  throw new Error(
    'a list of several addresses must be IP addresses of one family with ports (127.0.0.1:50052,127.0.0.1:50062); ' +
      'for host names use one name that resolves to every replica (dns:///loms:50052)',
  );
}

function hostOf(address: string): string {
  const match = /^(.+):(\d{1,5})$/.exec(address);
  if (!match?.[1]) throw new Error(`"${address}" is not host:port`);
  return match[1];
}
