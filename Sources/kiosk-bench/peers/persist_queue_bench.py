#!/usr/bin/env python3
"""The enqueue benchmark of `kiosk-bench enqueue`, done with persist-queue's SQLiteAckQueue.

Setup (once):   python3 -m pip install persist-queue        (measured with 1.1.0)
Run:            python3 Sources/kiosk-bench/peers/persist_queue_bench.py [--count N] [--backlog N] [--dir PATH] [--json]

Durability, as read from persist-queue's source (persistqueue/sqlbase.py, sqlackqueue.py):
- SQLiteAckQueue opens SQLite with `PRAGMA journal_mode=WAL` and forces `auto_commit=True`
  (the ack queue warns and overrides False), so every put, get (status -> unack) and ack
  (status -> acked) is its own committed transaction (`with conn:` commits after each).
- It never sets `synchronous`; this script sets `PRAGMA synchronous=FULL` on its connection
  (multithreading=False: one connection for put and get) and prints the value read back, so
  each commit fsyncs the WAL exactly as KioskStore does.
- Python's sqlite3 starts those transactions with a deferred BEGIN (KioskStore: IMMEDIATE);
  with one connection this changes nothing measured.

Cases, matching kiosk-bench: N timed puts on an empty queue; the queue filled to the backlog
(not timed; puts with auto_commit would take minutes, so rows are inserted in one transaction
through the queue's own connection, table and serializer); N timed puts
with the backlog pending; N acks, each a `get` (one commit) plus an `ack` (one commit) since
the ack queue has no way to ack without getting first.
"""
import argparse
import json
import os
import shutil
import sqlite3
import tempfile
import time

import persistqueue
from persistqueue.sqlackqueue import AckStatus

SAMPLE = (
    '{"code":"YBVY01-261121-0007-K","procedure":{"code":"1.001234","name":"Cấp Phiếu lý lịch tư pháp"},'
    '"applicant":{"idNumber":"001094012345","name":"Nguyễn Bá Hoàng","birthDate":"1995-03-14","gender":"Nam",'
    '"address":"Thôn 3, xã Mậu A, huyện Văn Yên, tỉnh Yên Bái"},"receivedAt":"2026-11-21T09:15:02+07:00",'
    '"dueDate":"2026-11-28","fee":{"amount":200000,"currency":"VND"},'
    '"delivery":{"method":"post","address":"Thôn 3, xã Mậu A, huyện Văn Yên, tỉnh Yên Bái"},'
    '"office":"Bưu điện huyện Văn Yên"}'
).encode("utf-8")


def summarize(name, durations, per_call=1):
    durations, cpu = durations
    us = sorted(int(d * 1e6) for d in durations)
    def pct(p):
        rank = max(1, -(-p * len(us) // 100))
        return us[min(rank, len(us)) - 1]
    total = sum(durations)
    return {
        "case": name, "calls": len(us), "eventsPerCall": per_call,
        "eventsPerSecond": int(len(us) * per_call / total) if total else 0,
        "p50Microseconds": pct(50), "p99Microseconds": pct(99), "maxMicroseconds": us[-1],
        "cpuMicrosecondsPerCall": int(cpu * 1e6 / len(us)),
    }


def timed(count, call):
    """Per-call wall times, and the process CPU time (user + system) over all calls."""
    out = []
    cpu_start = time.process_time()
    for _ in range(count):
        start = time.perf_counter()
        call()
        out.append(time.perf_counter() - start)
    return out, time.process_time() - cpu_start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--backlog", type=int, default=100_000)
    parser.add_argument("--dir")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    directory = args.dir or tempfile.mkdtemp(prefix="persist-queue-bench-")
    qdir = os.path.join(directory, "pq")
    shutil.rmtree(qdir, ignore_errors=True)
    queue = persistqueue.SQLiteAckQueue(qdir, multithreading=False, auto_commit=True)
    conn = queue._putter
    assert conn is queue._getter
    conn.execute("PRAGMA synchronous=FULL")
    durability = {
        "journal_mode": conn.execute("PRAGMA journal_mode").fetchone()[0],
        "synchronous": conn.execute("PRAGMA synchronous").fetchone()[0],
        "auto_commit": queue.auto_commit,
        "sqlite": sqlite3.sqlite_version,
        "persist-queue": getattr(persistqueue, "__version__", "?"),
    }

    for _ in range(50):
        queue.put(SAMPLE)
    empty = timed(args.count, lambda: queue.put(SAMPLE))

    pending = queue.qsize()
    if pending < args.backlog:
        rows = [(queue._serializer.dumps(SAMPLE), time.time()) for _ in range(args.backlog - pending)]
        with queue.tran_lock, conn:
            conn.executemany(
                "INSERT INTO {} (data, timestamp, status) VALUES (?, ?, {})".format(queue._table_name, AckStatus.inited),
                rows)
        queue.total += len(rows)
    backlogged = timed(args.count, lambda: queue.put(SAMPLE))
    backlog = queue.qsize() - args.count

    def get_and_ack():
        item = queue.get(block=False, raw=True)
        queue.ack(id=item["pqid"])
    acks = timed(args.count, get_and_ack)
    queue.close()

    results = [
        summarize("put, empty queue", empty),
        summarize("put, %d pending" % backlog, backlogged),
        summarize("get+ack 1 event (2 commits)", acks),
    ]
    if args.json:
        print(json.dumps({"benchmark": "enqueue", "store": "persist-queue SQLiteAckQueue", "durability": durability,
                          "eventBytes": len(SAMPLE), "backlog": backlog, "results": results}, ensure_ascii=False))
    else:
        print("persist-queue %s SQLiteAckQueue: journal_mode=%s synchronous=%s auto_commit=%s, SQLite %s; %d-byte events"
              % (durability["persist-queue"], durability["journal_mode"], durability["synchronous"],
                 durability["auto_commit"], durability["sqlite"], len(SAMPLE)))
        print("%-40s%-8s%-10s%-9s%-9s%-9s%s" % ("case", "calls", "events/s", "p50 µs", "p99 µs", "max µs", "CPU µs/call"))
        for r in results:
            print("%-40s%-8d%-10d%-9d%-9d%-9d%d" % (r["case"], r["calls"], r["eventsPerSecond"], r["p50Microseconds"],
                                                 r["p99Microseconds"], r["maxMicroseconds"], r["cpuMicrosecondsPerCall"]))
    if not args.dir:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
