"""A TCP proxy in front of Neo4j that loses the answer to a COMMIT.

It passes a transaction's COMMIT on to the server and then cuts both connections, so the
server may well have committed while the driver never hears: the driver's
``IncompleteCommit``, produced for real rather than mocked.  Bolt sends each message in
chunks (two bytes of size, the bytes, ``00 00``); COMMIT is the empty structure ``B0 12``.
"""

from __future__ import annotations

import socket
import threading

COMMIT = b"\x00\x02\xb0\x12\x00\x00"


class CommitCutter:
    def __init__(self, target_port: int, cuts: int):
        self.target_port, self.cuts_left, self.cut = target_port, cuts, 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.uri = f"bolt://127.0.0.1:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._listener.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self._forward, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._forward, args=(server, client, False), daemon=True).start()

    def _take_cut(self) -> bool:
        with self._lock:
            if self.cuts_left <= 0:
                return False
            self.cuts_left -= 1
            self.cut += 1
            return True

    def _forward(self, source: socket.socket, sink: socket.socket, to_server: bool) -> None:
        try:
            while data := source.recv(65536):
                at = data.find(COMMIT) if to_server else -1
                if at >= 0 and self._take_cut():
                    sink.sendall(data[: at + len(COMMIT)])
                    break
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            end.close()
