// A real Prometheus scrapes renderMetrics: a private tmux server with two orphan agent sessions, the
// engine looking at it, a tiny HTTP server on loopback serving the exposition of its last look, and
// Prometheus (temporary storage, loopback ports, a 1 s scrape interval) asked for the orphan gauge.
// Skipped with a printed reason where Debian's prometheus package is not installed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseCli } from '../../src/config.js';
import { Engine } from '../../src/engine.js';
import type { Snapshot } from '../../src/model/types.js';
import { renderMetrics } from '../../src/render/formats/prometheus.js';
import { ProcessPool, waitFor } from '../helpers/world.js';

const pool = new ProcessPool();
let dir: string;
const PROMETHEUS = (() => {
  try {
    return execFileSync('sh', ['-c', 'command -v prometheus'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
})();
if (!PROMETHEUS) console.warn("metrics-prometheus: prometheus is not installed (Debian's prometheus package): the scrape test is skipped");

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-prom-'));
});
afterEach(() => pool.teardown());
afterAll(async () => {
  await pool.teardown();
  rmSync(dir, { recursive: true, force: true });
});

const listen = (server: Server) => new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
const close = (server: Server) => new Promise<void>((r) => server.close(() => r()));
/** A loopback port nothing listens on now (Prometheus takes its own by number). */
async function freePort(): Promise<number> {
  const s = createServer();
  const port = await listen(s);
  await close(s);
  return port;
}

async function query(promPort: number, q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`, { signal: AbortSignal.timeout(2_000) });
  const body = (await res.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  if (body.status !== 'success') throw new Error(`query ${q}: ${JSON.stringify(body)}`);
  return body.data.result;
}

describe('a real Prometheus', () => {
  it.skipIf(!PROMETHEUS)('scrapes the exposition, and a query for the orphan gauge gives the number of orphans', { timeout: 40_000 }, async () => {
    const tmux = pool.tmuxServer('prom');
    tmux.newSession('claude-agent-one', 'sleep 600');
    tmux.newSession('claude-agent-two', 'sleep 600');
    tmux.newSession('scratch', 'sleep 600');
    const parsed = parseCli(['--snapshot', '-L', tmux.socketName, '--orchestrator-match', 'no-such-orchestrator-xyz'], { HOME: dir }, dir);
    if (parsed.kind !== 'run') throw new Error('bad args');
    const engine = new Engine(parsed.config, { env: { HOME: dir }, cwd: dir });
    let last: { snapshot: Snapshot; tickMs: number; tickAt: number } | null = null;
    const t0 = Date.now();
    last = { snapshot: await engine.tick(), tickMs: 0, tickAt: Date.now() };
    last.tickMs = last.tickAt - t0;
    expect(last.snapshot.summary.orphans).toBe(2);

    let scrapes = 0;
    const http = createServer(async (req, res) => {
      if (req.url !== '/metrics' || !last) return void res.writeHead(404).end();
      scrapes++;
      const { contentType, text } = await renderMetrics({
        ...last,
        acts: { exited: 0, killed: 0, gone: 0, 'skipped-reused': 0, denied: 0, failed: 0 },
        historyBytes: null,
      });
      res.writeHead(200, { 'Content-Type': contentType }).end(text);
    });
    const metricsPort = await listen(http);
    pool.atTeardown(() => close(http));

    const promPort = await freePort();
    const config = join(dir, 'prometheus.yml');
    writeFileSync(
      config,
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: orch-top\n    static_configs:\n      - targets: ['127.0.0.1:${metricsPort}']\n`,
    );
    pool.spawn('sh', [
      '-c',
      `exec "$0" --config.file="$1" --storage.tsdb.path="$2" --web.listen-address=127.0.0.1:"$3" >"$4" 2>&1`,
      PROMETHEUS!,
      config,
      join(dir, 'tsdb'),
      String(promPort),
      join(dir, 'prometheus.log'),
    ]);
    // Its first target update comes after a fixed 5 s; then a scrape every second.
    const orphans = await waitFor(async () => (await query(promPort, 'sum(orch_top_orphan_sessions)'))[0], 20_000, 'the orphan gauge in Prometheus');
    expect(orphans.value[1]).toBe('2');
    const byReason = await query(promPort, 'orch_top_orphan_sessions{reason="orchestrator-down"}');
    expect(byReason.map((r) => [r.metric.job, r.metric.instance, r.value[1]])).toEqual([['orch-top', `127.0.0.1:${metricsPort}`, '2']]);
    expect((await query(promPort, 'up{job="orch-top"}'))[0]!.value[1]).toBe('1');
    expect((await query(promPort, 'count(orch_top_session_processes)'))[0]!.value[1]).toBe('2');
    expect(scrapes).toBeGreaterThan(0);
  });
});
