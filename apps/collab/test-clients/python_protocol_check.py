"""Checks the session-room protocol with Python's `websockets` library (Debian's 10.4).
Prints one JSON line: {"ok": true/false, "checks": {...}}.

    /usr/bin/python3 python_protocol_check.py --url ws://localhost:9000
"""

import argparse
import asyncio
import json
import sys
from datetime import datetime

import websockets

TIMEOUT_S = 10


def connect(base, session, user):
    # What a desktop client should use: no compression, no automatic keepalive needed.
    return websockets.connect(f"{base}/ws/{session}/{user}", compression=None, ping_interval=None, max_size=2**21)


async def recv_json(ws):
    return json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT_S))


async def recv_until(ws, message_type):
    while True:
        message = await recv_json(ws)
        if message.get("type") == message_type:
            return message


async def closed_with(ws):
    try:
        while True:
            await asyncio.wait_for(ws.recv(), TIMEOUT_S)
    except websockets.ConnectionClosed as closed:
        received = closed.rcvd
        return (received.code, received.reason) if received else (None, "")


def is_iso(text):
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
        return True
    except (TypeError, ValueError):
        return False


async def run(base, session):
    checks = {}
    async with connect(base, session, "py-a") as a:
        ack = await recv_json(a)
        checks["ack"] = (
            ack["type"] == "connection:ack"
            and ack["session_id"] == session
            and ack["user_id"] == "py-a"
            and ack["users"] == ["py-a"]
            and ack["protocol"] == 1
            and ack["heartbeat_interval_ms"] > 0
            and ack["max_message_bytes"] == 2**20
        )

        await a.send(json.dumps({"type": "ping"}))
        pong = await recv_until(a, "pong")
        checks["pong_iso_timestamp"] = is_iso(pong["timestamp"])

        async with connect(base, session, "py-b") as b:
            b_ack = await recv_json(b)
            checks["second_ack_lists_both"] = b_ack["users"] == ["py-a", "py-b"]
            joined = await recv_until(a, "user:joined")
            checks["user_joined"] = joined["user_id"] == "py-b" and joined["users"] == ["py-a", "py-b"]

            request = await recv_until(a, "sync:request")
            await a.send(json.dumps({"type": "sync:state", "requester": request["requester"], "state": {"items": [1]}}))
            state = await recv_until(b, "sync:state")
            checks["late_joiner_sync"] = state["state"] == {"items": [1]} and state["user_id"] == "py-a"

            await a.send(json.dumps({"type": "item:add", "item": {"id": "p1"}}))
            add = await recv_until(b, "item:add")
            checks["broadcast"] = add["item"] == {"id": "p1"} and add["user_id"] == "py-a" and is_iso(add["timestamp"])

            await a.send("not json")
            bad = await recv_until(a, "error")
            await a.send(json.dumps({"no_type": True}))
            missing = await recv_until(a, "error")
            await a.send(b"\x00\x01")
            binary = await recv_until(a, "error")
            await a.send(json.dumps({"type": "ping"}))
            await recv_until(a, "pong")
            checks["errors_keep_connection"] = (
                bad["code"] == "invalid_json" and missing["code"] == "missing_type" and binary["code"] == "invalid_message"
            )

        left = await recv_until(a, "user:left")
        checks["user_left"] = left["user_id"] == "py-b" and left["users"] == ["py-a"]

        async with connect(base, session, "py-big") as big:
            await recv_json(big)
            await big.send(json.dumps({"type": "item:add", "blob": "x" * 2**20}))
            code, reason = await closed_with(big)
            checks["oversize_closes_1009"] = code == 1009 and "too big" in reason

        # An open room never hands a member's connection to a second one claiming its user id.
        async with connect(base, session, "py-twin") as first:
            await recv_json(first)
            async with connect(base, session, "py-twin") as second:
                code, reason = await closed_with(second)
            await first.send(json.dumps({"type": "ping"}))
            pong = await recv_until(first, "pong")
            checks["open_room_keeps_member"] = code == 1008 and "already connected" in reason and pong["type"] == "pong"

        async with connect(base, f"{session}-other", "py-c") as c:
            await recv_json(c)
            await a.send(json.dumps({"type": "item:add", "item": {"id": "p2"}}))
            await c.send(json.dumps({"type": "ping"}))
            first_after_ack = await recv_json(c)
            checks["isolation"] = first_after_ack["type"] == "pong"

        crowd = [await connect(base, f"{session}-crowd", f"py-{n}").__aenter__() for n in range(6)]
        try:
            for member in crowd:
                await recv_json(member)
            await crowd[0].send(json.dumps({"type": "item:add", "item": {"id": "crowd"}}))
            got = [await recv_until(member, "item:add") for member in crowd[1:]]
            checks["six_users_fan_out"] = all(m["user_id"] == "py-0" for m in got)
        finally:
            for member in crowd:
                await member.close()

        async with connect(base, f"{session}-fallback", "py-mute") as mute:
            await recv_json(mute)
            async with connect(base, f"{session}-fallback", "py-helper") as helper:
                await recv_json(helper)
                async with connect(base, f"{session}-fallback", "py-late") as late:
                    await recv_json(late)
                    request = await recv_until(helper, "sync:request")
                    await helper.send(
                        json.dumps({"type": "sync:state", "requester": request["requester"], "state": {"v": 1}})
                    )
                    state = await recv_until(late, "sync:state")
                    checks["sync_fallback_to_next_member"] = state["user_id"] == "py-helper" and state["state"] == {"v": 1}

        await a.close()
        checks["clean_close"] = a.close_code == 1000
    return checks


async def run_idle(base, session):
    """Against a relay with a short SESSION_IDLE_TIMEOUT_MS: a silent client is closed with 1001."""
    checks = {}
    async with connect(base, session, "py-silent") as silent, connect(base, session, "py-pinger") as pinger:
        await recv_json(silent)
        await recv_json(pinger)

        async def keep_pinging():
            while True:
                await pinger.send(json.dumps({"type": "ping"}))
                await asyncio.sleep(0.2)

        task = asyncio.create_task(keep_pinging())
        code, reason = await closed_with(silent)
        checks["silent_closed_1001"] = code == 1001 and "idle" in reason
        left = await recv_until(pinger, "user:left")
        checks["others_told"] = left["user_id"] == "py-silent"
        # Ten more pongs, 0.2 s apart, outlast the idle period: pinging keeps the client connected.
        for _ in range(10):
            await recv_until(pinger, "pong")
        task.cancel()
        checks["pinging_client_open"] = pinger.open
    return checks


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="ws://localhost:9000")
    parser.add_argument("--session", default="python-check")
    parser.add_argument("--idle", action="store_true", help="only the idle-timeout check")
    args = parser.parse_args()
    try:
        checks = asyncio.run((run_idle if args.idle else run)(args.url, args.session))
        error = None
    except Exception as exc:  # reported in the result line
        checks, error = {}, f"{type(exc).__name__}: {exc}"
    ok = bool(checks) and all(checks.values()) and error is None
    print(json.dumps({"ok": ok, "checks": checks, "error": error, "websockets": websockets.__version__}), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
