#!/usr/bin/env python3
"""The standard intake receipt built with python-escpos, for comparison with `kiosk-bench receipt`.

Setup:   pip install python-escpos        (tested with 3.1)
Run:     python3 Sources/kiosk-bench/peers/escpos_receipt.py [--count N] [--out DIR] [--json]

For each python-escpos capability profile close to ours (default; TM-T20II ~ epson-tm-t20iii;
RP326 ~ rongta-rp326; POS-5890 ~ generic-58mm) it builds the same receipt as
`standardIntakeReceipt()` in ReceiptBenchmark.swift on a `Dummy` printer (bytes captured, no
device), and reports bytes, wire time at 9600 and 115200 baud, the median encode time, and
whether the Vietnamese survives: each text line's bytes are decoded back with the code page
python-escpos selected (ESC t n) and compared with the input. With --out DIR the bytes are
written as DIR/python-escpos-PROFILE.bin, which `kioskctl render FILE --text` reads.
QR codes are native (GS ( k): python-escpos's raster QR needs the extra `qrcode` package.

`--document FILE [--json]` builds a document `kiosk-bench receipt-bytes` wrote instead (the
kiosk's real national-form receipt: one JSON object per element, text with its style, barcode,
QR, feed, cut) and reports bytes and intact text lines per profile (JSON with --json).
"""
import argparse
import contextlib
import json
import sys
import statistics
import time
import unicodedata

from escpos import capabilities
from escpos.printer import Dummy

CODE = "YBVY01-261121-0007-K"
LINES = [
    ("BƯU ĐIỆN TỈNH YÊN BÁI", dict(bold=True, align="center")),
    ("Điểm phục vụ: Bưu cục Nguyễn Thái Học", dict(align="center")),
    ("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", dict(bold=True, align="center")),
    ("Mã hồ sơ: " + CODE, dict(bold=True)),
    ("Người nộp: Nguyễn Thị Hồng Nhung", {}),
    ("CCCD: ********1234", {}),
    ("Địa chỉ: Tổ 5, phường Đồng Tâm, TP Yên Bái", {}),
    ("Thủ tục: Cấp Phiếu lý lịch tư pháp", {}),
    ("Nhận lúc: 21/11/2026 09:15", {}),
    ("Hẹn trả kết quả: 05/12/2026", dict(bold=True)),
    ("Lệ phí: 200.000 đồng", {}),
    ("Nhận kết quả: qua bưu điện", {}),
]
FOOTER = ("Tra cứu: quét mã này tại kiosk", dict(align="center"))


def build(profile):
    """Returns (bytes, [(line, bytes of that line)])."""
    p = Dummy(profile=profile)
    notes = []
    p.hw("INIT")
    segments = []
    for text, style in LINES:
        p.set_with_default(**style)
        before = len(p.output)
        p.text(text + "\n")
        segments.append((text, p.output[before:]))
    p.set_with_default(align="center")
    try:
        p.barcode("{B" + CODE, "CODE128", function_type="B", pos="BELOW")
    except Exception as error:  # the software renderer makes images wider than 58 mm paper
        notes.append("barcode skipped: %s" % error)
    p.qr(CODE, native=True, size=6)
    p.set_with_default(**FOOTER[1])
    before = len(p.output)
    p.text(FOOTER[0] + "\n")
    segments.append((FOOTER[0], p.output[before:]))
    p.cut()
    return p.output, segments, notes


def decoder_for(profile, number):
    """A function byte -> str for code page `number` of `profile`, from python-escpos's own data."""
    name = capabilities.get_profile(profile).profile_data["codePages"].get(str(number), "CP437")
    enc = capabilities.CAPABILITIES["encodings"].get(name, {})
    if "data" in enc:
        table = "".join(enc["data"]) if isinstance(enc["data"], list) else enc["data"]
        return lambda b: chr(b) if b < 0x80 else (table[b - 0x80] if b - 0x80 < len(table) else "\ufffd")
    codec = enc.get("python_encode") or name.lower().replace("_", "-")
    return lambda b: bytes([b]).decode(codec, errors="replace")


def decode_line(profile, data, page):
    """Decodes one text call's bytes from code page `page` on; returns (text, page after)."""
    out, i = [], 0
    while i < len(data):
        if data[i] == 0x1B and i + 2 < len(data) and data[i + 1] == 0x74:
            page = data[i + 2]
            i += 3
            continue
        if data[i] == 0x1B:  # another ESC command (style): ESC x n
            i += 3
            continue
        if data[i] == 0x0A:
            i += 1
            continue
        out.append(decoder_for(profile, page)(data[i]))
        i += 1
    return unicodedata.normalize("NFC", "".join(out)), page


def decode_all(profile, segments):
    page, texts = 0, []
    for _, seg in segments:
        text, page = decode_line(profile, seg, page)
        texts.append(text)
    return texts


def build_document(profile, elements):
    """Like build(), for a document of kiosk-bench receipt-bytes."""
    p = Dummy(profile=profile)
    notes = []
    p.hw("INIT")
    segments = []
    for element in elements:
        kind = element["kind"]
        if kind == "text":
            p.set_with_default(bold=element["bold"], underline=1 if element["underline"] else 0,
                               align=element["align"], font=element["font"],
                               double_width=element["double_width"], double_height=element["double_height"])
            for line in element["text"].split("\n"):
                before = len(p.output)
                p.text(line + "\n")
                segments.append((line, p.output[before:]))
        elif kind == "barcode":
            p.set_with_default(align="center")
            try:
                p.barcode("{B" + element["data"], "CODE128", function_type="B", pos="BELOW")
            except Exception as error:  # the software renderer makes images wider than 58 mm paper
                notes.append("barcode skipped: %s" % type(error).__name__)
        elif kind == "qr":
            p.set_with_default(align="center")
            p.qr(element["data"], native=True, size=6)
        elif kind == "feed":
            p.text("\n" * element["lines"])
        elif kind == "cut":
            p.cut()
        elif kind == "beep":
            p.buzzer(1, 1)
    return p.output, segments, notes


def main_document(path, as_json):
    with open(path, encoding="utf-8") as f:
        elements = json.load(f)
    results = {}
    for profile in ["default", "TM-T20II", "RP326", "POS-5890"]:
        # python-escpos says which barcode renderer it uses on standard output: keep the JSON alone there.
        with contextlib.redirect_stdout(sys.stderr):
            data, segments, notes = build_document(profile, elements)
        decoded = decode_all(profile, segments)
        intact = sum(1 for (text, _), d in zip(segments, decoded) if d == text)
        results[profile] = dict(bytes=len(data), intact=intact, lines=len(segments), notes=sorted(set(notes)))
    if as_json:
        print(json.dumps(results))
    else:
        for profile, r in results.items():
            print("%-10s %7d bytes  %d of %d lines intact  %s" % (
                profile, r["bytes"], r["intact"], r["lines"], "; ".join(r["notes"])))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--out")
    ap.add_argument("--document", help="a document written by kiosk-bench receipt-bytes: bytes per profile")
    ap.add_argument("--json", action="store_true",
                    help="with --document: its results as JSON; alone: only the median encode time per profile")
    args = ap.parse_args()
    if args.document:
        main_document(args.document, args.json)
        return
    if args.json:
        import contextlib
        import io
        import json
        medians = {}
        for profile in ["default", "TM-T20II", "RP326", "POS-5890"]:
            times = []
            # python-escpos prints "Using hardware barcode renderer" on stdout: kept out of the JSON.
            with contextlib.redirect_stdout(io.StringIO()):
                for _ in range(args.count):
                    t0 = time.perf_counter()
                    build(profile)
                    times.append((time.perf_counter() - t0) * 1e6)
            medians[profile] = statistics.median(times)
        import escpos
        print(json.dumps({"pythonEscpos": getattr(escpos, "__version__", "?"), "encodeMedianMicroseconds": medians}))
        return
    print("python-escpos intake receipt; wire time = bytes x 10 / baud")
    print("profile      bytes  @9600 s  @115200 s  encode us (median of %d)  Vietnamese lines intact" % args.count)
    for profile in ["default", "TM-T20II", "RP326", "POS-5890"]:
        times = []
        for _ in range(args.count):
            t0 = time.perf_counter()
            data, segments, notes = build(profile)
            times.append((time.perf_counter() - t0) * 1e6)
        decoded = decode_all(profile, segments)
        intact = [d == text for (text, _), d in zip(segments, decoded)]
        bad = [(text, d) for (text, _), d in zip(segments, decoded) if d != text]
        print("%-10s %7d %8.2f %10.3f %12.0f %26s" % (
            profile, len(data), len(data) * 10 / 9600, len(data) * 10 / 115200, statistics.median(times),
            "%d of %d" % (sum(intact), len(intact))))
        for text, d in bad[:2]:
            print("             e.g. %r printed as %r" % (text, d))
        for note in sorted(set(notes)):
            print("             " + note)
        if args.out:
            with open("%s/python-escpos-%s.bin" % (args.out, profile), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
