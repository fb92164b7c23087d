/** SQLITE_FULL: the disk, or `max_page_count`, has no room for the transaction. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_FULL');
}
