"""Two Qt clients stay in a session while the server restarts: both reconnect on their own and keep
collaborating. Prints {"event": "ready"} once both are in (the caller then restarts the server), and
one JSON result line at the end.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 qt_reconnect_check.py --url ws://localhost:9000
"""

import argparse
import sys

from qt_session_client import QtSessionClient, app_instance, emit, wait_until


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="ws://localhost:9000")
    parser.add_argument("--session", default="qt-restart")
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    app_instance()
    steps = {}

    alice = QtSessionClient(args.url, args.session, "qt-alice")
    bob = QtSessionClient(args.url, args.session, "qt-bob")
    alice.open()
    bob.open()
    steps["both_acked"] = wait_until(lambda: alice.acks == 1 and bob.acks == 1, 10)
    emit({"event": "ready"})

    steps["both_dropped"] = wait_until(lambda: alice.disconnects and bob.disconnects, args.timeout)
    steps["both_reconnected"] = wait_until(lambda: alice.acks == 2 and bob.acks == 2, args.timeout)
    steps["both_in_room"] = wait_until(
        lambda: alice.of_type("connection:ack")[-1]["users"] == ["qt-alice", "qt-bob"]
        or any(m["user_id"] == "qt-bob" for m in alice.of_type("user:joined")),
        args.timeout,
    )
    alice.add_item("after-restart", 1, 1)
    steps["item_after_restart"] = wait_until(lambda: "after-restart" in bob.items, 10)
    close_codes = [d["code"] for d in alice.disconnects + bob.disconnects]

    alice.close()
    bob.close()
    ok = all(steps.values())
    emit({"ok": ok, "steps": steps, "close_codes": close_codes, "errors": alice.errors + bob.errors})
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
