// Drives headless Chromium through the GraphiQL playground of a running server, as a reader
// of the docs would: open the page, wait for the editor, type a query, run it, read the result;
// then run a subscription to an article's like count, like the article, and read the new count.
//
//   node graphiql.mjs http://127.0.0.1:PORT/graphql [screenshot.png]
//
// Prints one JSON line with what it saw; exits non-zero, with the reason, on any failure:
// a request to another origin, a Content-Security-Policy violation, a page error, an editor
// that never renders, documentation that is not shown, or a result without the query's data.
import { chromium } from "playwright-core";

const [url, screenshot] = process.argv.slice(2);
if (!url) {
  console.error("usage: node graphiql.mjs URL [screenshot.png]");
  process.exit(2);
}
const origin = new URL(url).origin;
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";

const browser = await chromium.launch({
  executablePath,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const failures = [];
const requests = [];
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  page.on("request", (request) => {
    requests.push(request.url());
    const target = new URL(request.url());
    if (target.protocol !== "data:" && target.origin !== origin) {
      failures.push(`request left the origin: ${request.url()}`);
    }
  });
  page.on("pageerror", (error) => failures.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") failures.push(`console error: ${message.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });

  const response = await page.goto(url, { waitUntil: "networkidle" });
  const csp = response.headers()["content-security-policy"] ?? "";
  if (!csp.includes("default-src 'self'")) failures.push(`page CSP is ${JSON.stringify(csp)}`);

  // The query editor renders (CodeMirror inside GraphiQL's session).
  const editor = page.locator(".graphiql-query-editor .CodeMirror").first();
  await editor.waitFor({ state: "visible", timeout: 15000 });

  // The schema's documentation opens, with the descriptions written in the code.
  await page.getByRole("button", { name: "Show Documentation Explorer" }).click();
  const docs = page.locator(".graphiql-doc-explorer");
  await docs.getByText("Query", { exact: true }).first().waitFor({ timeout: 15000 });
  await docs.getByText("Query", { exact: true }).first().click();
  await docs.getByText("Visible articles, filtered and ordered", { exact: false }).first()
    .waitFor({ timeout: 15000 });
  const box = await docs.boundingBox();
  if (!box || box.x < 0 || box.width < 100) failures.push(`documentation is at ${JSON.stringify(box)}`);

  // Type a query as a person would, then run it with the keyboard.
  await editor.click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  // GraphiQL closes brackets as they are typed and types over a closing one.
  const query = "{ articles(first: 3, locales: [EN]) { nodes { title locale category { name } } } }";
  await page.keyboard.type(query, { delay: 5 });
  await page.keyboard.press("Escape");
  const typed = await page.evaluate(() =>
    document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.getValue());
  if (typed !== query) failures.push(`the editor holds ${JSON.stringify(typed)}`);
  // GraphiQL reads the operation name from the editor a moment after typing stops.
  await page.waitForTimeout(500);
  await page.keyboard.press("Control+Enter");
  const result = page.locator(".graphiql-response .CodeMirror").first();
  await page.waitForFunction(
    () => {
      const node = document.querySelector(".graphiql-response .CodeMirror");
      return node && node.CodeMirror && node.CodeMirror.getValue().includes("\"data\"");
    },
    null,
    { timeout: 15000 },
  );
  const resultText = await result.evaluate((node) => node.CodeMirror.getValue());
  const nodes = JSON.parse(resultText).data?.articles?.nodes ?? [];
  const titles = nodes.map((n) => n.title);
  if (nodes.length !== 3 || nodes.some((n) => n.locale !== "EN" || !n.title || !n.category.name)) {
    failures.push(`result pane shows ${resultText}`);
  }

  // A subscription runs over the playground's WebSocket: a like shows up in the result pane.
  const first = await (await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "{ articles(first: 1) { nodes { id likeCount } } }" }),
  })).json();
  const { id, likeCount } = first.data.articles.nodes[0];
  await page.evaluate((text) => {
    document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.setValue(text);
  }, `subscription { likeCountChanged(articleId: "${id}") { likeCount } }`);
  await page.locator(".graphiql-query-editor .CodeMirror").first().click();
  // GraphiQL parses the document a moment after an edit; it picks the WebSocket by it.
  await page.waitForTimeout(500);
  await page.keyboard.press("Control+Enter");
  // The subscription is open once the server counts it.
  for (let i = 0; i < 100; i += 1) {
    const metrics = await (await fetch(new URL("/metrics", url))).text();
    if (metrics.split("\n").includes("newswire_subscriptions 1")) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const liked = await (await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-client-id": "graphiql-test" },
    body: JSON.stringify({
      query: "mutation($id: ID!) { likeArticle(articleId: $id) { likeCount } }",
      variables: { id },
    }),
  })).json();
  const wanted = liked.data.likeArticle.likeCount;
  if (wanted !== likeCount + 1) failures.push(`the like answered ${JSON.stringify(liked)}`);
  await page.waitForFunction(
    (count) => {
      const node = document.querySelector(".graphiql-response .CodeMirror");
      return node && node.CodeMirror && node.CodeMirror.getValue().includes(`"likeCount": ${count}`);
    },
    wanted,
    { timeout: 15000 },
  );
  const live = await result.evaluate((node) => node.CodeMirror.getValue());
  if (screenshot) await page.screenshot({ path: screenshot });
  console.log(JSON.stringify({ typed, titles, live, requests, failures }));
} catch (error) {
  failures.push(`browser step failed: ${error.message}`);
  console.log(JSON.stringify({ requests, failures }));
} finally {
  await browser.close();
}
process.exit(failures.length === 0 ? 0 : 1);
