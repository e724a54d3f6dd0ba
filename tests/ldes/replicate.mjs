// Replicate a Linked Data Event Stream with the reference LDES client (npm ldes-client) and print each member it
// emits as one JSON line: {"id", "isVersionOf", "timestamp", "ntriples"}. The client reads isVersionOf and timestamp
// through the stream's ldes:versionOfPath and ldes:timestampPath, so they are what the stream declares.
//
// Usage: node replicate.mjs URL [STATE_DIR]. With STATE_DIR the client saves its state there and resumes from it,
// as a harvester that runs again does. Every fetch must go to the URL's own origin (the tests: 127.0.0.1): any
// other is refused, which fails the run, so the replication can never reach the internet.

import { Writer } from "n3";

const [url, statePath] = process.argv.slice(2);
const origin = new URL(url).origin;
const fetched = [];
const realFetch = globalThis.fetch;
globalThis.fetch = (resource, options) => {
  const target = String(resource?.url ?? resource);
  if (new URL(target).origin !== origin) {
    return Promise.reject(new Error(`refused to fetch ${target}: only ${origin} may be fetched`));
  }
  fetched.push(target);
  return realFetch(resource, options);
};
const { replicateLDES, intoConfig } = await import("ldes-client");

// The members' shape is named by its IRI in the published URI space (https://w3id.org/...), which the test must not
// fetch: the client bounds members by their concise bounded description instead (TREE member extraction).
const client = replicateLDES(intoConfig({ url, noShape: true, statePath, loose: false }));
const reader = client.stream({ highWaterMark: 10 }).getReader();
for (;;) {
  const { done, value } = await reader.read();
  if (done) break;
  const ntriples = new Writer({ format: "N-Triples" }).quadsToString(value.quads);
  const timestamp = value.timestamp instanceof Date ? value.timestamp.toISOString() : value.timestamp;
  process.stdout.write(JSON.stringify({ id: value.id.value, isVersionOf: value.isVersionOf ?? null,
                                        timestamp: timestamp ?? null, ntriples }) + "\n");
}
process.stderr.write(`fetched: ${fetched.join(" ")}\n`);
