#!/usr/bin/env python3
"""A partner's full sync: pages the change feed from the start (the listing of every article
the partner may carry, then the changes since) until it is up to date, keeping every article
whole (its translations with their bodies, category, tags, cover and media), on one
keep-alive connection, one page after another as a partner's sync loop does.

  sync.py URL SECRET RESULT_JSON [FIRST]

Prints and writes one JSON line: pages as requests, seconds, items, upserts, tombstones, the
p50/p99 of a page, and the bytes received.
"""
import http.client
import json
import sys
import time
import urllib.parse

QUERY = """query($since: String, $first: Int) {
  changes(since: $since, first: $first) {
    nodes {
      kind articleId slug reason locale changedAt
      article {
        id slug publishedAt updatedAt byline credit syndicatable
        category { slug }
        translations { locale title summary body }
        tags { slug name }
        coverImage { url width height alt }
        media { __typename ... on Photo { url width height caption credit } ... on Video { provider externalId caption } }
      }
    }
    checkpoint
    pageInfo { hasNextPage }
  }
}"""


def main(url, secret, result, first=100):
    target = urllib.parse.urlparse(url)
    connection = http.client.HTTPConnection(target.hostname, target.port)
    headers = {"content-type": "application/json", "authorization": f"Bearer {secret}"}
    since, pages, items, upserts, tombstones, received, errors = None, 0, 0, 0, 0, 0, 0
    latencies = []
    started = time.monotonic()
    while True:
        body = json.dumps({"query": QUERY, "variables": {"since": since, "first": int(first)}})
        sent = time.monotonic()
        connection.request("POST", target.path, body, headers)
        response = connection.getresponse()
        raw = response.read()
        latencies.append(time.monotonic() - sent)
        received += len(raw)
        pages += 1
        reply = json.loads(raw)
        if response.status != 200 or reply.get("errors"):
            errors += 1
            print(f"page {pages}: {response.status} {reply.get('errors')}", file=sys.stderr)
            break
        page = reply["data"]["changes"]
        for change in page["nodes"]:
            items += 1
            if change["kind"] == "UPSERT":
                upserts += 1
            else:
                tombstones += 1
        since = page["checkpoint"]
        if not page["pageInfo"]["hasNextPage"]:
            break
    seconds = time.monotonic() - started
    latencies.sort()
    row = {
        "requests": pages,
        "non2xx": 0,
        "errors": errors,
        "seconds": round(seconds, 2),
        "p50": latencies[len(latencies) // 2],
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "items": items,
        "upserts": upserts,
        "tombstones": tombstones,
        "mib": round(received / 2**20, 1),
    }
    line = json.dumps(row)
    print(line)
    with open(result, "w") as f:
        f.write(line + "\n")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main(*sys.argv[1:])
