"""A TCP relay in front of a real server that a test can take down, stall and bring back, to see
how the service behaves when its remote store fails and recovers."""

from __future__ import annotations

import socket
import threading

from tests.server import free_port


class Relay:
    """Forwards 127.0.0.1:`port` to 127.0.0.1:`target`; `down()`, `stall()` and `up()` switch it."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.port = free_port()
        self.stalled = False
        self._held: list[socket.socket] = []
        self._live: list[socket.socket] = []  # relayed connections, cut when the server goes down
        self._listener: socket.socket | None = None
        self.up()

    def up(self) -> None:
        """Listen and relay (again)."""
        self.stalled = False
        if self._listener is None:
            listener = socket.socket()
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", self.port))
            listener.listen(16)
            self._listener = listener
            threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        """Stop listening and cut what is open: connections are refused and kept-alive ones end,
        as with a server that is not running."""
        for live in self._live:
            try:
                live.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._live.clear()
        if self._listener is not None:
            try:
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
            except OSError:
                pass
            self._listener.close()
            self._listener = None

    def stall(self) -> None:
        """Accept connections but never answer, as with a server that hangs."""
        self.stalled = True

    def close(self) -> None:
        self.down()
        for held in self._held:
            held.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            if self.stalled:
                self._held.append(client)
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target))
            self._live += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    """Copy one direction until it ends, then end the other side's writing and close the source
    (each socket is the source of exactly one pump, so each is closed once)."""
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        try:
            sink.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        source.close()
