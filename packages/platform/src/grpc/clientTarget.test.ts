import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfig } from '../config/parseConfig';
import { clientTargetSetting } from '../config/envSchemas';
import { clientTarget } from './clientTarget';

describe('clientTarget', () => {
  it('leaves one address and a target with a scheme as they are', () => {
    expect(clientTarget('localhost:50052')).toBe('localhost:50052');
    expect(clientTarget(' loms:50052 ')).toBe('loms:50052');
    expect(clientTarget('dns:///loms:50052')).toBe('dns:///loms:50052');
    expect(clientTarget('ipv4:10.0.0.1:50052,10.0.0.2:50052')).toBe('ipv4:10.0.0.1:50052,10.0.0.2:50052');
  });

  it('turns several IP addresses of one family into one ipv4: or ipv6: target', () => {
    expect(clientTarget('127.0.0.1:50052, 127.0.0.1:50062')).toBe('ipv4:127.0.0.1:50052,127.0.0.1:50062');
    expect(clientTarget('[::1]:50052,[::1]:50062')).toBe('ipv6:[::1]:50052,[::1]:50062');
  });

  it('refuses lists grpc-js cannot resolve: host names, mixed families, a missing port, nothing', () => {
    expect(() => clientTarget('loms-1:50052,loms-2:50052')).toThrow(/one name that resolves to every replica/);
    expect(() => clientTarget('127.0.0.1:50052,[::1]:50062')).toThrow(/one family/);
    expect(() => clientTarget('127.0.0.1,127.0.0.2:50052')).toThrow(/"127.0.0.1" is not host:port/);
    expect(() => clientTarget('  ')).toThrow(/at least one address/);
  });

  it('stops start-up naming the variable that holds a bad list', () => {
    const schema = z.object({ LOMS_ADDR: clientTargetSetting('localhost:50052') });
    expect(parseConfig(schema, {}).LOMS_ADDR).toBe('localhost:50052');
    expect(parseConfig(schema, { LOMS_ADDR: '127.0.0.1:1,127.0.0.1:2' }).LOMS_ADDR).toBe('ipv4:127.0.0.1:1,127.0.0.1:2');
    expect(() => parseConfig(schema, { LOMS_ADDR: 'a:1,b:2' })).toThrow(/LOMS_ADDR/);
  });
});
