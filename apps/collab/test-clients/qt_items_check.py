"""Two Qt clients in one session exchange item:add / item:move / item:remove; a third joins late and
receives the session state from the longest-connected member. Prints one JSON line.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 qt_items_check.py --url ws://localhost:9000
"""

import argparse
import sys

from qt_session_client import QtSessionClient, app_instance, emit, wait_until

TIMEOUT_S = 10


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="ws://localhost:9000")
    parser.add_argument("--session", default="qt-items")
    args = parser.parse_args()
    app_instance()
    steps = {}

    alice = QtSessionClient(args.url, args.session, "qt-alice", reconnect=False)
    bob = QtSessionClient(args.url, args.session, "qt-bob", reconnect=False)
    alice.open()
    steps["alice_acked"] = wait_until(lambda: alice.acks == 1, TIMEOUT_S)
    bob.open()
    steps["bob_acked"] = wait_until(lambda: bob.acks == 1, TIMEOUT_S)
    steps["alice_saw_bob_join"] = wait_until(
        lambda: any(m["user_id"] == "qt-bob" for m in alice.of_type("user:joined")), TIMEOUT_S
    )

    alice.add_item("box", 10, 20)
    steps["bob_got_add"] = wait_until(lambda: bob.items.get("box") == {"id": "box", "x": 10, "y": 20}, TIMEOUT_S)
    bob.move_item("box", 30, 40)
    steps["alice_got_move"] = wait_until(lambda: alice.items.get("box") == {"id": "box", "x": 30, "y": 40}, TIMEOUT_S)
    bob.add_item("lens", 1, 2)
    steps["alice_got_bob_add"] = wait_until(lambda: "lens" in alice.items, TIMEOUT_S)
    alice.remove_item("lens")
    steps["bob_got_remove"] = wait_until(lambda: "lens" not in bob.items, TIMEOUT_S)
    add = next(iter(bob.of_type("item:add")), {})
    steps["broadcast_has_sender_and_time"] = add.get("user_id") == "qt-alice" and "timestamp" in add
    alice.add_item("mirror", 5, 6)
    steps["bob_got_second_add"] = wait_until(lambda: "mirror" in bob.items, TIMEOUT_S)

    carol = QtSessionClient(args.url, args.session, "qt-carol", reconnect=False)
    carol.open()
    steps["carol_acked"] = wait_until(lambda: carol.acks == 1, TIMEOUT_S)
    steps["carol_got_state"] = wait_until(lambda: len(carol.of_type("sync:state")) == 1, TIMEOUT_S)
    sync = next(iter(carol.of_type("sync:state")), {})
    steps["state_from_longest_connected"] = sync.get("user_id") == "qt-alice"
    steps["carol_matches_alice"] = carol.items == alice.items == bob.items
    steps["only_alice_asked"] = len(alice.of_type("sync:request")) == 2 and not bob.of_type("sync:request")

    # Carol is now a full member: her changes reach both.
    carol.move_item("mirror", 7, 8)
    steps["carol_move_reached_all"] = wait_until(
        lambda: alice.items.get("mirror") == bob.items.get("mirror") == {"id": "mirror", "x": 7, "y": 8}, TIMEOUT_S
    )

    for client in (alice, bob, carol):
        client.close()
    errors = alice.errors + bob.errors + carol.errors
    ok = all(steps.values()) and not errors
    emit({"ok": ok, "steps": steps, "items": alice.items, "carol_items": carol.items, "errors": errors})
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
