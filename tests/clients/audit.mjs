// Runs the graphql-http audit of the GraphQL-over-HTTP specification against a server:
//
//   node audit.mjs http://127.0.0.1:PORT/graphql
//
// Prints one JSON line: how many audits passed, and every failed MUST, SHOULD or MAY with
// its reason. Exits non-zero when a MUST or a SHOULD failed.
import { auditServer } from "graphql-http";

const [url] = process.argv.slice(2);
if (!url) {
  console.error("usage: node audit.mjs URL");
  process.exit(2);
}
const results = await auditServer({ url });
const failed = results
  .filter((result) => result.status !== "ok")
  .map((result) => ({ id: result.id, name: result.name, status: result.status, reason: result.reason }));
const counts = {};
for (const result of results) counts[result.status] = (counts[result.status] ?? 0) + 1;
const blocking = failed.filter((f) => f.name.startsWith("MUST") || f.name.startsWith("SHOULD"));
console.log(JSON.stringify({ audits: results.length, counts, failed }));
process.exit(blocking.length === 0 ? 0 : 1);
