// Subscribes to an article's like count through the graphql-ws client, as an SPA does:
//
//   node live.mjs ws://127.0.0.1:PORT/graphql/ws ARTICLE_ID COUNT
//
// Prints `connected` once the server acknowledged the connection, then, once COUNT counts
// have arrived, one JSON line: the counts, and the error a subscription to an article that
// does not exist ended with.
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const [url, id, wanted] = process.argv.slice(2);
if (!url || !id || !wanted) {
  console.error("usage: node live.mjs WS_URL ARTICLE_ID COUNT");
  process.exit(2);
}
const client = createClient({
  url,
  webSocketImpl: WebSocket,
  lazy: false,
  retryAttempts: 0,
  on: { connected: () => console.log("connected") },
});
const query = "subscription($id: ID!) { likeCountChanged(articleId: $id) { articleId likeCount } }";

const refused = await new Promise((resolve) => {
  client.subscribe(
    { query, variables: { id: "QXJ0aWNsZTo5OTk5OTk" } },
    { next: (result) => resolve(result.errors ?? null), error: (e) => resolve(e), complete: () => {} },
  );
});
const counts = await new Promise((resolve, reject) => {
  const seen = [];
  client.subscribe(
    { query, variables: { id } },
    {
      next: (result) => {
        if (result.errors) return reject(new Error(JSON.stringify(result.errors)));
        seen.push(result.data.likeCountChanged.likeCount);
        if (seen.length === Number(wanted)) resolve(seen);
      },
      error: reject,
      complete: () => reject(new Error("completed early")),
    },
  );
});
await client.dispose();
console.log(JSON.stringify({ counts, refused }));
