"""A session-room client on Qt's QWebSocket (PyQt6), as a desktop application would write it.

- joins ws://HOST:PORT/ws/{session_id}/{user_id}
- sends {"type": "ping"} every heartbeat interval (the server never sends protocol pings)
- keeps a tiny item model in sync: item:add / item:move / item:remove from the others, and the
  whole state from sync:state when it joins late; answers sync:request with its items
- reconnects with backoff when the connection drops (unless it closed itself)

Qt 6.4's QWebSocket has no errorOccurred signal: the `error` signal is used.
Run with Debian's interpreter: QT_QPA_PLATFORM=offscreen /usr/bin/python3 ...
"""

import json
import time

from PyQt6.QtCore import QCoreApplication, QEventLoop, QObject, QTimer, QUrl
from PyQt6.QtWebSockets import QWebSocket


_app = None


def app_instance():
    """The QCoreApplication of this process (created on first use, kept alive for the process)."""
    global _app
    if _app is None:
        _app = QCoreApplication.instance() or QCoreApplication([])
    return _app


def pump(ms):
    """Runs the Qt event loop for `ms` milliseconds."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_until(condition, timeout_s):
    """Runs the event loop until `condition()` is true; False if it was not within `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        pump(20)
    return True


class QtSessionClient(QObject):
    def __init__(self, base_url, session_id, user_id, heartbeat_ms=None, reconnect=True, token=None):
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.session_id = session_id
        self.user_id = user_id
        self.heartbeat_override = heartbeat_ms
        self.reconnect = reconnect
        self.token = token
        self.items = {}
        self.messages = []
        self.acks = 0
        self.pongs = 0
        self.disconnects = []  # [{code, reason}]
        self.errors = []
        self.connected_now = False
        self.closing = False
        self.backoff_ms = 250

        self.ws = QWebSocket()
        self.ws.connected.connect(self._on_connected)
        self.ws.disconnected.connect(self._on_disconnected)
        self.ws.textMessageReceived.connect(self._on_text)
        self.ws.error.connect(self._on_error)

        self.heartbeat = QTimer(self)
        self.heartbeat.timeout.connect(self.ping)

    # -- connection -------------------------------------------------------------------------
    def url(self):
        url = f"{self.base_url}/ws/{self.session_id}/{self.user_id}"
        return url + (f"?token={self.token}" if self.token else "")

    def open(self):
        self.closing = False
        self.ws.open(QUrl(self.url()))

    def close(self):
        """Closes on purpose (no reconnect); returns once the socket is closed or after 5 s."""
        self.closing = True
        self.heartbeat.stop()
        self.ws.close()
        wait_until(lambda: not self.connected_now, 5)

    def state_name(self):
        return self.ws.state().name

    def _on_connected(self):
        self.connected_now = True
        self.backoff_ms = 250

    def _on_disconnected(self):
        was_connected = self.connected_now
        self.connected_now = False
        self.heartbeat.stop()
        if was_connected:
            code = self.ws.closeCode()
            self.disconnects.append({"code": getattr(code, "value", code), "reason": self.ws.closeReason()})
        if self.reconnect and not self.closing:
            QTimer.singleShot(self.backoff_ms, self._retry)
            self.backoff_ms = min(self.backoff_ms * 2, 2000)

    def _retry(self):
        if not self.closing and not self.connected_now:
            self.open()

    def _on_error(self, error):
        self.errors.append(getattr(error, "name", str(error)))

    # -- messages ---------------------------------------------------------------------------
    def send(self, message):
        self.ws.sendTextMessage(json.dumps(message))

    def ping(self):
        self.send({"type": "ping"})

    def add_item(self, item_id, x, y):
        self.items[item_id] = {"id": item_id, "x": x, "y": y}
        self.send({"type": "item:add", "item": self.items[item_id]})

    def move_item(self, item_id, x, y):
        self.items[item_id] = {"id": item_id, "x": x, "y": y}
        self.send({"type": "item:move", "id": item_id, "x": x, "y": y})

    def remove_item(self, item_id):
        self.items.pop(item_id, None)
        self.send({"type": "item:remove", "id": item_id})

    def of_type(self, message_type):
        return [m for m in self.messages if m.get("type") == message_type]

    def _on_text(self, text):
        message = json.loads(text)
        self.messages.append(message)
        kind = message.get("type")
        if kind == "connection:ack":
            self.acks += 1
            interval = self.heartbeat_override or message["heartbeat_interval_ms"]
            self.heartbeat.start(interval)
        elif kind == "pong":
            self.pongs += 1
        elif kind == "sync:request":
            self.send({"type": "sync:state", "requester": message["requester"], "state": {"items": self.items}})
        elif kind == "sync:state":
            self.items = dict(message["state"].get("items", {}))
        elif kind == "item:add":
            item = message["item"]
            self.items[item["id"]] = item
        elif kind == "item:move":
            self.items[message["id"]] = {"id": message["id"], "x": message["x"], "y": message["y"]}
        elif kind == "item:remove":
            self.items.pop(message["id"], None)


def emit(result):
    """Prints the result as one JSON line (the line the test reads)."""
    print(json.dumps(result), flush=True)
