#!/usr/bin/env python3
"""persist-queue's whole cycle per item, the peer of `kiosk-bench store-flat`'s intake cycle.

Setup (once):   python3 -m pip install persist-queue        (measured with 1.1.0)
Run:            python3 Sources/kiosk-bench/peers/persist_queue_cycle.py [--count N] [--dir PATH]

Each cycle is put (one commit), get (one commit: status -> unack) and ack (one commit), on a
SQLiteAckQueue in WAL mode with `PRAGMA synchronous=FULL` set on its one connection, as
persist_queue_bench.py explains. Prints one line ending with the cycles per second (over
the summed cycle time), which kiosk-bench reads.
"""
import argparse
import os
import shutil
import tempfile
import time

import persistqueue

SAMPLE = (
    '{"code":"YBVY01-261121-0007-K","procedure":{"code":"1.001234","name":"Cấp Phiếu lý lịch tư pháp"},'
    '"applicant":{"idNumber":"001094012345","name":"Nguyễn Bá Hoàng","birthDate":"1995-03-14","gender":"Nam",'
    '"address":"Thôn 3, xã Mậu A, huyện Văn Yên, tỉnh Yên Bái"},"receivedAt":"2026-11-21T09:15:02+07:00",'
    '"dueDate":"2026-11-28","fee":{"amount":200000,"currency":"VND"},'
    '"delivery":{"method":"post","address":"Thôn 3, xã Mậu A, huyện Văn Yên, tỉnh Yên Bái"},'
    '"office":"Bưu điện huyện Văn Yên"}'
).encode("utf-8")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--dir")
    args = parser.parse_args()
    directory = args.dir or tempfile.mkdtemp(prefix="persist-queue-cycle-")
    qdir = os.path.join(directory, "pq")
    shutil.rmtree(qdir, ignore_errors=True)
    queue = persistqueue.SQLiteAckQueue(qdir, multithreading=False, auto_commit=True)
    queue._putter.execute("PRAGMA synchronous=FULL")
    assert queue._putter.execute("PRAGMA synchronous").fetchone()[0] == 2

    def cycle():
        queue.put(SAMPLE)
        item = queue.get(block=False, raw=True)
        queue.ack(id=item["pqid"])

    for _ in range(100):
        cycle()
    total = 0.0
    for _ in range(args.count):
        start = time.perf_counter()
        cycle()
        total += time.perf_counter() - start
    queue.close()
    shutil.rmtree(directory, ignore_errors=True)
    print("persist-queue %s put+get+ack cycles/s %.1f" % (getattr(persistqueue, "__version__", "?"), args.count / total))


if __name__ == "__main__":
    main()
