// The processes `make run-services` starts: each service's replica count (<SERVICE>_REPLICAS) and every replica's
// ports, replica i (from 0) on the service's gRPC and admin ports plus 10·i.
import type { ServiceName } from '@shop/devstack';

export interface ServiceBase {
  name: ServiceName;
  grpcPort: number;
  adminPort: number;
}

export interface Replica {
  service: ServiceName;
  /** `loms` when the service has one replica, else `loms-1`, `loms-2`, … */
  label: string;
  grpcPort: number;
  adminPort: number;
}

/** Ports of replicas of one service step by 10, so services (whose ports end in 1 to 4) never meet. */
export const replicaPortStep = 10;
export const maxReplicas = 9;
/** The local ProductService stands in for someone else's service: always one. */
const replicable = new Set<ServiceName>(['loms', 'checkout', 'notifications']);

export function replicaCount(service: ServiceName, env: NodeJS.ProcessEnv): number {
  const variable = `${service.toUpperCase()}_REPLICAS`;
  const given = env[variable];
  if (given === undefined || given === '') return 1;
  const count = Number(given);
  if (!replicable.has(service) && count !== 1) throw new Error(`${variable}: ${service} runs as one process`);
  if (!Number.isInteger(count) || count < 1 || count > maxReplicas)
    throw new Error(`${variable}=${JSON.stringify(given)}: must be a whole number from 1 to ${maxReplicas}`);
  return count;
}

export function replicasOf(base: ServiceBase, count: number): Replica[] {
  return Array.from({ length: count }, (_, i) => ({
    service: base.name,
    label: count === 1 ? base.name : `${base.name}-${i + 1}`,
    grpcPort: base.grpcPort + replicaPortStep * i,
    adminPort: base.adminPort + replicaPortStep * i,
  }));
}

/** What a client of the replicas dials: the one address, or every replica's for round robin (LOMS_ADDR). */
export function replicaAddresses(replicas: Replica[]): string {
  if (replicas.length === 1) return `localhost:${replicas[0]?.grpcPort}`;
  // 127.0.0.1, not localhost: grpc-js balances over a list of IP addresses only (the dev certificate names both).
  return replicas.map((r) => `127.0.0.1:${r.grpcPort}`).join(',');
}
