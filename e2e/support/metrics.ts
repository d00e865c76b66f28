/** Reading Prometheus text in tests: one series' value, found by its name and some of its labels. */

/** The value of the series `name` whose labels include `labels`; summed over all such series, 0 if none. */
export function seriesValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => present[k] === v)) sum += Number(match[3]);
  }
  return sum;
}

/** `/metrics` of a service's port, with the admin token when given. */
export async function scrape(port: number, adminToken?: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, {
    headers: adminToken ? { authorization: `Bearer ${adminToken}` } : {},
  });
  if (res.status !== 200) throw new Error(`/metrics on ${port} answered ${res.status}`);
  return res.text();
}
