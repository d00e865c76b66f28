import type { RpcService } from '@docsession/contracts';
import { APP_CONFIG, RpcClient, type AppConfig } from '@docsession/platform';
import type { Provider } from '@nestjs/common';

/** RPC clients to the services that own the state the gateway serves. */
export const SESSION_RPC = Symbol('SESSION_RPC');
export const METERING_RPC = Symbol('METERING_RPC');
export type SessionRpcClient = RpcClient<'session'>;
export type MeteringRpcClient = RpcClient<'metering'>;

const rpcClient = (token: symbol, service: RpcService): Provider => ({
  provide: token,
  inject: [APP_CONFIG],
  useFactory: async (config: AppConfig) => {
    const client = new RpcClient(config, service);
    await client.connect();
    return client;
  },
});

export const backendProviders: Provider[] = [rpcClient(SESSION_RPC, 'session'), rpcClient(METERING_RPC, 'metering')];
