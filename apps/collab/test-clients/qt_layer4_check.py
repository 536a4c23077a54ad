"""The session-server guide's Layer 4 check, with Qt's QWebSocket.

Connects to /ws/test_session/test_user, expects connection:ack, sends application pings, stays
connected for --duration seconds, receives at least two messages, then closes cleanly.
Prints one JSON line: {"ok": true/false, ...}.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 qt_layer4_check.py --url ws://localhost:9000
"""

import argparse
import sys
import time

from qt_session_client import QtSessionClient, app_instance, emit, pump, wait_until


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="ws://localhost:9000")
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--heartbeat-ms", type=int, default=5000)
    args = parser.parse_args()
    app_instance()

    print("=" * 70, file=sys.stderr)
    print("COLLABORATION SERVER TEST (Qt QWebSocket)", file=sys.stderr)
    print(f"Test: Connect to {args.url}/ws/test_session/test_user", file=sys.stderr)
    print(f"Expected: Connection stays alive for at least {args.duration:g} seconds", file=sys.stderr)
    print("=" * 70, file=sys.stderr)

    client = QtSessionClient(args.url, "test_session", "test_user", heartbeat_ms=args.heartbeat_ms, reconnect=False)
    client.open()
    connected = wait_until(lambda: client.connected_now, 10)
    mark = "✓" if connected else "✗"
    print(f"{mark} TEST STEP 1: CONNECTED  State: {client.state_name()}  Valid: {client.ws.isValid()}", file=sys.stderr)
    client.ping()
    acked = wait_until(lambda: client.acks >= 1, 10)
    started = time.monotonic()
    while time.monotonic() - started < args.duration and client.connected_now:
        pump(100)
    alive_for = time.monotonic() - started
    still_connected = client.connected_now
    state = client.state_name()
    received = len(client.messages)
    pongs = client.pongs
    print(f"Connection alive for {alive_for:.1f} s, messages received: {received}, state: {state}", file=sys.stderr)

    print("Closing connection...", file=sys.stderr)
    client.close()
    close_code = client.ws.closeCode()
    close_code = getattr(close_code, "value", close_code)
    ok = (
        connected
        and acked
        and still_connected
        and alive_for >= args.duration
        and received >= 2
        and pongs >= 1
        and not client.disconnects[:-1]
        and close_code == 1000
    )
    print("✓ TEST PASSED" if ok else "✗ TEST FAILED", file=sys.stderr)
    emit(
        {
            "ok": bool(ok),
            "connected": connected,
            "ack": client.messages[0] if client.messages else None,
            "alive_seconds": round(alive_for, 2),
            "still_connected": still_connected,
            "state_before_close": state,
            "messages_received": received,
            "pongs": pongs,
            "close_code": close_code,
            "disconnects": client.disconnects,
            "errors": client.errors,
        }
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
