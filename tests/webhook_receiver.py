"""A webhook receiver on 127.0.0.1 in a thread: it records every request and answers with the
statuses it is given in turn (the last one from then on), or holds a request unanswered."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HANG = "hang"  # an answer that never comes (until the receiver stops)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    def __init__(
        self, answers: list[int | str], on_request: Callable[[int], None] | None = None
    ) -> None:
        self.answers = list(answers)
        self.on_request = on_request
        self.received: list[Received] = []
        self.stopping = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {name.lower(): value for name, value in self.headers.items()}
                receiver.received.append(Received(self.path, headers, body))
                if receiver.on_request is not None:
                    receiver.on_request(len(receiver.received))
                answer = receiver.next_answer()
                if answer == HANG:
                    receiver.stopping.wait(30)
                    return
                self.send_response(answer)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def next_answer(self) -> int | str:
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]

    def ids(self) -> list[str]:
        return [request.headers["webhook-id"] for request in self.received]


@contextmanager
def receiver(
    *answers: int | str, on_request: Callable[[int], None] | None = None
) -> Iterator[Receiver]:
    """A running receiver answering `answers` in turn (200 by default); `on_request` is
    called with the number of requests so far before each answer."""
    running = Receiver(list(answers) or [200], on_request)
    thread = threading.Thread(target=running.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield running
    finally:
        running.stopping.set()
        running.server.shutdown()
        running.server.server_close()
