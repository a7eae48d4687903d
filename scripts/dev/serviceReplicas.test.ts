import { describe, expect, it } from 'vitest';
import { replicaAddresses, replicaCount, replicasOf } from './serviceReplicas';

const loms = { name: 'loms', grpcPort: 50052, adminPort: 8082 } as const;

describe('the replicas run-services starts', () => {
  it('gives replica i the base ports plus 10·i, and labels replicas only when there are several', () => {
    expect(replicasOf(loms, 1)).toEqual([{ service: 'loms', label: 'loms', grpcPort: 50052, adminPort: 8082 }]);
    expect(replicasOf(loms, 3).map((r) => [r.label, r.grpcPort, r.adminPort])).toEqual([
      ['loms-1', 50052, 8082],
      ['loms-2', 50062, 8092],
      ['loms-3', 50072, 8102],
    ]);
  });

  it('never gives two services the same port, at the most replicas of each', () => {
    const bases = [
      { name: 'checkout', grpcPort: 50051, adminPort: 8081 },
      loms,
      { name: 'notifications', grpcPort: 50053, adminPort: 8083 },
      { name: 'products', grpcPort: 50054, adminPort: 8084 },
    ] as const;
    const ports = bases.flatMap((b) => replicasOf(b, 9)).flatMap((r) => [r.grpcPort, r.adminPort]);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('reads <SERVICE>_REPLICAS, 1 when unset, and refuses what it cannot start naming the variable', () => {
    expect(replicaCount('loms', {})).toBe(1);
    expect(replicaCount('notifications', { NOTIFICATIONS_REPLICAS: '2' })).toBe(2);
    expect(() => replicaCount('loms', { LOMS_REPLICAS: '0' })).toThrow(/LOMS_REPLICAS="0": must be a whole number from 1 to 9/);
    expect(() => replicaCount('checkout', { CHECKOUT_REPLICAS: 'two' })).toThrow(/CHECKOUT_REPLICAS/);
    expect(() => replicaCount('products', { PRODUCTS_REPLICAS: '2' })).toThrow(/products runs as one process/);
  });

  it('hands clients one address for one replica and every replica by IP for several', () => {
    expect(replicaAddresses(replicasOf(loms, 1))).toBe('localhost:50052');
    expect(replicaAddresses(replicasOf(loms, 2))).toBe('127.0.0.1:50052,127.0.0.1:50062');
  });
});
