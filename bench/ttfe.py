"""Times one streamed request at a time: to the first SSE `data:` line and to the end. Used by bench/ttfe.sh.

Usage: python3 bench/ttfe.py URL BODY_FILE REQUESTS  -> prints "first_ms total_ms" per request
"""
import http.client
import sys
import time
import urllib.parse

url, body_file, requests = sys.argv[1], sys.argv[2], int(sys.argv[3])
parts = urllib.parse.urlsplit(url)
body = open(body_file, "rb").read()
headers = {"authorization": "Bearer sk-bench-0000000000000000000000000000", "content-type": "application/json"}
# one kept-alive connection, as SDKs use: a new connection per request would time connection set-up too
connection = http.client.HTTPConnection(parts.hostname, parts.port)
for _ in range(requests):
    start = time.perf_counter()
    connection.request("POST", parts.path, body, headers)
    response = connection.getresponse()
    first = None
    while True:
        line = response.readline()
        if not line:
            break
        if first is None and line.startswith(b"data:"):
            first = time.perf_counter()
    total = time.perf_counter()
    print(f"{(first - start) * 1000:.3f} {(total - start) * 1000:.3f}")
