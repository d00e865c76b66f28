import type { AppConfig } from '@docsession/platform';

/** `WOPI_BASE_URL`, or `PUBLIC_URL` when unset: where the editor server reaches the gateway (WOPISrc, proofs). */
export const wopiBaseUrl = (config: AppConfig): string => config.WOPI_BASE_URL ?? config.PUBLIC_URL;
