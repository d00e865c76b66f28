import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import { keyFromCryptoApiBlob, keyFromModulus, type ProofKeys } from './proof-keys';

/** Where an editor opens files of one extension: its `edit` and `view` actions' URLs, placeholders removed. */
export interface ExtensionActions {
  edit?: string;
  view?: string;
}

/** What the gateway keeps of an editor's discovery XML. */
export interface Discovery {
  /** By lower-case file extension, without the dot. */
  actions: Map<string, ExtensionActions>;
  /** Null when the editor publishes no proof key (then requests cannot be checked and are not). */
  proofKeys: ProofKeys | null;
}

const attributes = z.record(z.string(), z.string());
const action = attributes;
const app = z.object({ action: z.array(action).default([]) }).loose();
const netZone = z.object({ name: z.string().optional(), app: z.array(app).default([]) }).loose();
const discoveryDocument = z.object({
  'wopi-discovery': z.object({ 'net-zone': z.array(netZone).min(1), 'proof-key': attributes.optional() }).loose(),
});

/** Zones in the order a host reaching the editor from outside prefers them. */
const ZONE_PREFERENCE = ['external-https', 'external-http', 'internal-https', 'internal-http'];

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  isArray: (name) => name === 'net-zone' || name === 'app' || name === 'action',
});

/**
 * Reads a WOPI discovery XML (Collabora Online, ONLYOFFICE Docs, Microsoft's format): the edit and
 * view actions of one net-zone by extension, and the proof keys (`modulus`/`exponent`, or the
 * CryptoAPI blob in `value`; `old…` the same for the previous key). Throws on anything else.
 */
export function parseDiscovery(xml: string): Discovery {
  const doc = discoveryDocument.parse(parser.parse(xml))['wopi-discovery'];
  const zones = doc['net-zone'];
  const rank = (name: string | undefined) => {
    const at = ZONE_PREFERENCE.indexOf(name ?? '');
    return at < 0 ? ZONE_PREFERENCE.length : at;
  };
  const zone = [...zones].sort((a, b) => rank(a.name) - rank(b.name))[0]!;
  const actions = new Map<string, ExtensionActions>();
  for (const { action: list } of zone.app) {
    for (const a of list) {
      const ext = a.ext?.trim().toLowerCase();
      if (!ext || !a.urlsrc || (a.name !== 'edit' && a.name !== 'view')) continue;
      const entry = actions.get(ext) ?? {};
      entry[a.name] ??= stripPlaceholders(a.urlsrc);
      actions.set(ext, entry);
    }
  }
  return { actions, proofKeys: proofKeysOf(doc['proof-key']) };
}

/**
 * `urlsrc` carries optional parameters as `<name=PLACEHOLDER&>`: a host fills in those it knows
 * and drops the rest. docsession knows none of them (language and theme are the editor's
 * defaults), so all go.
 */
export function stripPlaceholders(urlsrc: string): string {
  return urlsrc.replace(/<[^<>]*>/g, '');
}

/** The editor frame's URL for a file: `urlsrc` with `WOPISrc` (URL-encoded) and any extra parameters added. */
export function editorUrl(urlsrc: string, wopiSrc: string, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams({ WOPISrc: wopiSrc, ...extra }).toString();
  if (!urlsrc.includes('?')) return `${urlsrc}?${query}`;
  return /[?&]$/.test(urlsrc) ? `${urlsrc}${query}` : `${urlsrc}&${query}`;
}

function proofKeysOf(attrs: Record<string, string> | undefined): ProofKeys | null {
  if (!attrs) return null;
  const key = (prefix: '' | 'old') => {
    const modulus = attrs[`${prefix}modulus`];
    const exponent = attrs[`${prefix}exponent`];
    if (modulus && exponent) return keyFromModulus(modulus, exponent);
    const value = attrs[`${prefix}value`];
    return value ? keyFromCryptoApiBlob(value) : null;
  };
  const current = key('');
  return current ? { current, old: key('old') } : null;
}
