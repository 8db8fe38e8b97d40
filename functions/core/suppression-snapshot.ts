import type { SuppressionStore } from './ports.js';

/**
 * The suppression list for the recipients of a whole queue batch, read once: one lookup per
 * batch instead of one per message (a DynamoDB round trip per email saved). Addresses
 * outside the snapshot are asked of the store; an address suppressed during the batch is
 * written to the store and counts for the rest of the batch too.
 */
export async function suppressionSnapshot(store: SuppressionStore, addresses: string[]): Promise<SuppressionStore> {
  const known = new Set(addresses.map((a) => a.toLowerCase()));
  const suppressed = await store.suppressedAmong([...known]);
  return {
    get: (address) => store.get(address),
    remove: (address) => store.remove(address),
    list: (page) => store.list(page),
    async add(entry) {
      suppressed.add(entry.address.toLowerCase());
      return store.add(entry);
    },
    async suppressedAmong(candidates) {
      const unknown = candidates.filter((a) => !known.has(a.toLowerCase()));
      const more = unknown.length > 0 ? await store.suppressedAmong(unknown) : new Set<string>();
      return new Set(candidates.filter((a) => suppressed.has(a.toLowerCase()) || more.has(a)));
    },
  };
}
