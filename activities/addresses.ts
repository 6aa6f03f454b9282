/** Addresses stored as JSON on a message (`[{ name?, address }]`), as plain strings. */
export function jsonAddresses(value: unknown): string[] {
  return Array.isArray(value) ? value.map((entry) => String((entry as { address?: string }).address ?? entry)) : [];
}
