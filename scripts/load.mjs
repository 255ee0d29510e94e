// A small HTTP load generator (no dependencies): `node scripts/load.mjs URL CONNECTIONS SECONDS
// [HEADER:VALUE ...]` keeps CONNECTIONS keep-alive connections busy with GET URL for SECONDS
// (after a one-second warm-up) and prints one JSON line: requests, errors (non-2xx or failed),
// req/s, p50 and p99 latency in ms, and the answer's size.
import http from "node:http";

const [url, connections = "16", seconds = "10", ...headerArgs] = process.argv.slice(2);
if (!url) {
    console.error("usage: node scripts/load.mjs URL [CONNECTIONS] [SECONDS] [HEADER:VALUE ...]");
    process.exit(2);
}
const headers = Object.fromEntries(
    headerArgs.map((h) => [h.slice(0, h.indexOf(":")), h.slice(h.indexOf(":") + 1)]),
);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(connections) });

function once() {
    return new Promise((resolve) => {
        const started = process.hrtime.bigint();
        const req = http.get(url, { agent, headers }, (res) => {
            let bytes = 0;
            res.on("data", (chunk) => (bytes += chunk.length));
            res.on("end", () =>
                resolve({
                    ok: res.statusCode >= 200 && res.statusCode < 300,
                    ms: Number(process.hrtime.bigint() - started) / 1e6,
                    bytes,
                }),
            );
        });
        req.on("error", () => resolve({ ok: false, ms: 0, bytes: 0 }));
    });
}

async function run(ms, record) {
    const end = Date.now() + ms;
    await Promise.all(
        Array.from({ length: Number(connections) }, async () => {
            while (Date.now() < end) record(await once());
        }),
    );
}

await run(1000, () => {});
const latencies = [];
let errors = 0;
let bytes = 0;
const started = Date.now();
await run(Number(seconds) * 1000, (r) => {
    if (r.ok) latencies.push(r.ms);
    else errors += 1;
    bytes = r.bytes || bytes;
});
const elapsed = (Date.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
console.log(
    JSON.stringify({
        requests: latencies.length,
        errors,
        rps: Math.round(latencies.length / elapsed),
        p50_ms: Number(at(0.5).toFixed(2)),
        p99_ms: Number(at(0.99).toFixed(2)),
        bytes,
    }),
);
agent.destroy();
