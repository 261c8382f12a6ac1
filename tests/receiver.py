"""
A local HTTP receiver for posts to chat channels and webhooks: a thread on 127.0.0.1 that answers
each POST as told and records what it got. Tests point a channel at `receiver.url` and set `script`,
the answers to give in turn (the last one repeats): 200, 500, 400, (429, seconds) for a Retry-After,
("hang", seconds) to wait that long before answering 200 (longer than the sender waits: the answer
is not counted as accepted), or ("slow", seconds), the same but within the sender's patience (counted).
"""

import contextlib
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self):
        self.script = [200]
        self.requests = []  # (headers, case-insensitive; body bytes, the status answered) of every POST, in order
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    answer = receiver.script[min(len(receiver.requests), len(receiver.script) - 1)]
                    receiver.requests.append((self.headers, body, answer))
                if isinstance(answer, tuple) and answer[0] in ("hang", "slow"):
                    time.sleep(answer[1])
                    answer = 200
                retry_after = None
                if isinstance(answer, tuple):
                    answer, retry_after = answer
                self.send_response(answer)
                if retry_after is not None:
                    self.send_header("Retry-After", str(retry_after))
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up waiting
                    self.wfile.write(b"ok" if answer < 300 else b"no")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def bodies(self):
        return [json.loads(body) for _, body, _ in self.requests]

    @staticmethod
    def is_accepted(answer):
        """Whether the sender saw a 200 for this answer (a hang's late one it had given up on)."""
        return answer == 200 or (isinstance(answer, tuple) and answer[0] == "slow")

    def accepted(self):
        """
        How many times each delivery id (X-RisingTide-Delivery, or the body itself) was answered 200 at
        once; a hang's late answer is not counted, since the sender had given up on it.
        """
        counts = Counter()
        for headers, body, answer in self.requests:
            if self.is_accepted(answer):
                counts[headers.get("X-RisingTide-Delivery") or body] += 1
        return counts
