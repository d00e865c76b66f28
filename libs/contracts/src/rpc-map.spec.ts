import { MeteringRpc, MeteringRpcMap, rpcMaps, rpcRequestSchema, SessionRpc, SessionRpcMap } from './rpc-map';

describe('the RPC map', () => {
  it('has each pattern served by one service only', () => {
    const patterns = Object.values(rpcMaps).flatMap((map) => Object.keys(map));
    expect(new Set(patterns).size).toBe(patterns.length);
  });

  it('finds the request schema of every pattern in the map of the service that serves it', () => {
    for (const pattern of Object.values(SessionRpc)) {
      expect(rpcRequestSchema(pattern)).toBe(SessionRpcMap[pattern].request);
    }
    for (const pattern of Object.values(MeteringRpc)) {
      expect(rpcRequestSchema(pattern)).toBe(MeteringRpcMap[pattern].request);
    }
  });
});
