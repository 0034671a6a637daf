#!/usr/bin/env python3
"""A HID-POS bar code scanner made with the kernel's uhid driver, for the real-kernel VM.

Writes UHID_CREATE2 to /dev/uhid with a HID Point-of-Sale report descriptor (usage page 0x8C,
Bar Code Scanner; report 2 of 64 bytes: byte count, AIM symbology identifier, 56 bytes of
decoded data, 2 vendor bytes, "Decode Data Continued"), so the kernel's hid-generic driver
gives it a /dev/hidrawN node; then "scans" by writing UHID_INPUT2 reports: the text as UTF-8
(Vietnamese with no Alt codes), cut into 56-byte pieces with "more follows" on all but the
last. Python 3 standard library only; run as root (or with write access to /dev/uhid).

  hidpos_uhid.py [--vendor 0c2e --product 0b87] scan TEXT [TEXT ...]
      creates the scanner, prints "HIDRAW /dev/hidrawN", waits until a reader opens it,
      sends each TEXT as one scan (symbology ]Q1 unless --symbology), then destroys it.
  hidpos_uhid.py serve
      creates the scanner, prints "HIDRAW /dev/hidrawN", then reads lines from stdin: each
      line is sent as one scan; end of input destroys the scanner (an unplug).
  hidpos_uhid.py check-kioskctl KIOSKCTL
      the self-contained check: runs `KIOSKCTL scan-test --mode hidpos --device /dev/hidrawN
      --json`, scans an ID-card QR with Vietnamese, and checks that the holder's name came
      through exactly; prints "PASS ..." / "FAIL ..." and "N passed, N failed".

  hidpos_uhid.py check-kioskd KIOSKD KIOSKCTL
      the intake check: kioskd with [Scanner] Mode=hidpos on the uhid scanner's hidraw node and
      its printer on a pseudo-terminal (read here); an ID-card QR and a procedure code scanned;
      the receipt's bytes rendered by `kioskctl render --text` must carry the holder's name
      exactly. kioskd runs as the shipped unit runs it: uid nobody with the unit's
      SupplementaryGroups=, so the node must be one udev's rules give those groups (the VM's
      60-kiosk-local.rules gives the uhid scanner the scanner role; the shipped rule the rest).
      Prints "PASS ..." / "FAIL ..." and "N passed, N failed".

As a module: `Scanner().create()`, `.scan(text)`, `.destroy()`.
"""

import argparse
import glob
import grp
import json
import os
import select
import shutil
import struct
import subprocess
import sys
import time

import service_user

# linux/uhid.h event types.
UHID_DESTROY = 1
UHID_START = 2
UHID_STOP = 3
UHID_OPEN = 4
UHID_CLOSE = 5
UHID_OUTPUT = 6
UHID_GET_REPORT = 9
UHID_GET_REPORT_REPLY = 10
UHID_CREATE2 = 11
UHID_INPUT2 = 12
UHID_SET_REPORT = 13
UHID_SET_REPORT_REPLY = 14

BUS_USB = 0x03
HID_MAX_DESCRIPTOR_SIZE = 4096
UHID_DATA_MAX = 4096
# struct uhid_event is packed: a 32-bit type, then the largest request, uhid_create2_req
# (name[128], phys[64], uniq[64], rd_size u16, bus u16, vendor, product, version, country u32,
# rd_data[4096]).
CREATE2_FORMAT = "<I128s64s64sHHIIII%ds" % HID_MAX_DESCRIPTOR_SIZE
EVENT_SIZE = struct.calcsize(CREATE2_FORMAT)

# The HID-POS report descriptor (the same as the project's tests use).
DESCRIPTOR = bytes([
    0x05, 0x8C,        # Usage Page (Bar Code Scanner)
    0x09, 0x02,        # Usage (Bar Code Scanner)
    0xA1, 0x01,        # Collection (Application)
    0x09, 0x12,        #   Usage (Scanned Data Report)
    0xA1, 0x02,        #   Collection (Logical)
    0x85, 0x02,        #     Report ID (2)
    0x15, 0x00,        #     Logical Minimum (0)
    0x26, 0xFF, 0x00,  #     Logical Maximum (255)
    0x75, 0x08,        #     Report Size (8)
    0x95, 0x01,        #     Report Count (1)
    0x05, 0x01,        #     Usage Page (Generic Desktop)
    0x09, 0x3B,        #     Usage (Byte Count)
    0x81, 0x02,        #     Input (Data, Var, Abs)
    0x95, 0x03,        #     Report Count (3)
    0x05, 0x8C,        #     Usage Page (Bar Code Scanner)
    0x09, 0xFB, 0x09, 0xFC, 0x09, 0xFD,  # Usage (Symbology Identifier 1, 2, 3)
    0x81, 0x02,        #     Input (Data, Var, Abs)
    0x95, 0x38,        #     Report Count (56)
    0x09, 0xFE,        #     Usage (Decoded Data)
    0x82, 0x02, 0x01,  #     Input (Data, Var, Abs, Buffered Bytes)
    0x06, 0x66, 0xFF,  #     Usage Page (vendor 0xFF66)
    0x95, 0x02,        #     Report Count (2)
    0x09, 0x04, 0x09, 0x00,  # Usage (Code ID), Usage (0)
    0x81, 0x02,        #     Input (Data, Var, Abs)
    0x05, 0x8C,        #     Usage Page (Bar Code Scanner)
    0x25, 0x01,        #     Logical Maximum (1)
    0x75, 0x01,        #     Report Size (1)
    0x95, 0x08,        #     Report Count (8)
    0x09, 0xFF,        #     Usage (Decode Data Continued)
    0x81, 0x02,        #     Input (Data, Var, Abs)
    0xC0,              #   End Collection
    0xC0,              # End Collection
])
REPORT_ID = 2
DATA_BYTES = 56

# An ID card (CCCD) QR: every tone mark, Đ, ư and ơ — letters no keymap types without Alt codes.
ID_CARD_NAME = "Đặng Thị Phượng Ửng"
ID_CARD = ("001195012345||" + ID_CARD_NAME
           + "|14031995|Nữ|Thôn 3, xã Mậu A, huyện Văn Yên, tỉnh Yên Bái|01022021")


def reports(data, symbology="]Q1"):
    """The 64-byte input reports for one scan (report ID first)."""
    chunks = [data[i:i + DATA_BYTES] for i in range(0, len(data), DATA_BYTES)] or [b""]
    sym = symbology.encode("ascii")[:3].ljust(3, b"\0")
    out = []
    for index, chunk in enumerate(chunks):
        more = 1 if index < len(chunks) - 1 else 0
        out.append(bytes([REPORT_ID, len(chunk)]) + sym + chunk.ljust(DATA_BYTES, b"\0") + b"\0\0" + bytes([more]))
    return out


class Scanner:
    """One uhid HID-POS scanner."""

    def __init__(self, name="Kiosk HID-POS test scanner", vendor=0x0C2E, product=0x0B87, uhid="/dev/uhid"):
        self.name, self.vendor, self.product, self.uhid = name, vendor, product, uhid
        self.fd = None
        self.opened = False
        self.hidraw = None

    def create(self, timeout=20):
        """Creates the device; returns its /dev/hidrawN once udev (or devtmpfs) made it."""
        self.opened = False
        if not os.path.exists(self.uhid):
            subprocess.run(["modprobe", "uhid"], check=False)
        self.fd = os.open(self.uhid, os.O_RDWR | os.O_CLOEXEC)
        uniq = "kiosk-hidpos-%d" % os.getpid()
        event = struct.pack(
            CREATE2_FORMAT, UHID_CREATE2, self.name.encode(), b"kiosk/uhid", uniq.encode(), len(DESCRIPTOR),
            BUS_USB, self.vendor, self.product, 1, 0, DESCRIPTOR)
        os.write(self.fd, event)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(0.05)
            for uevent in glob.glob("/sys/class/hidraw/hidraw*/device/uevent"):
                with open(uevent, encoding="utf-8", errors="replace") as f:
                    if ("HID_UNIQ=" + uniq) in f.read().split("\n"):
                        node = "/dev/" + uevent.split("/")[4]
                        if os.path.exists(node):
                            self.hidraw = node
                            return node
        raise RuntimeError("no hidraw node appeared for the uhid scanner in %d s" % timeout)

    def pump(self, wait):
        """Reads the kernel's events (START, OPEN, CLOSE, GET_REPORT…) for up to `wait` s."""
        if self.fd is None:
            time.sleep(wait)
            return
        ready, _, _ = select.select([self.fd], [], [], wait)
        while ready:
            event = os.read(self.fd, EVENT_SIZE)
            kind = struct.unpack_from("<I", event)[0]
            if kind == UHID_OPEN:
                self.opened = True
            elif kind == UHID_CLOSE:
                self.opened = False
            elif kind == UHID_GET_REPORT:
                # Answer "not supported" so the reader never waits on us.
                ident = struct.unpack_from("<I", event, 4)[0]
                os.write(self.fd, struct.pack("<IIHH", UHID_GET_REPORT_REPLY, ident, 5, 0).ljust(EVENT_SIZE, b"\0"))
            elif kind == UHID_SET_REPORT:
                ident = struct.unpack_from("<I", event, 4)[0]
                os.write(self.fd, struct.pack("<IIH", UHID_SET_REPORT_REPLY, ident, 5).ljust(EVENT_SIZE, b"\0"))
            ready, _, _ = select.select([self.fd], [], [], 0)

    def wait_open(self, timeout=30):
        """Waits until a reader has the hidraw node open (kioskd, kioskctl scan-test)."""
        deadline = time.monotonic() + timeout
        while not self.opened and time.monotonic() < deadline:
            self.pump(0.1)
        return self.opened

    def scan(self, text, symbology="]Q1"):
        """Sends one scan: the text's UTF-8 bytes in HID-POS reports."""
        for report in reports(text.encode("utf-8"), symbology):
            event = struct.pack("<IH", UHID_INPUT2, len(report)) + report
            os.write(self.fd, event.ljust(EVENT_SIZE, b"\0"))
            self.pump(0)

    def destroy(self):
        """Removes the device (as an unplug does)."""
        if self.fd is not None:
            os.write(self.fd, struct.pack("<I", UHID_DESTROY).ljust(EVENT_SIZE, b"\0"))
            os.close(self.fd)
            self.fd = None


def check_kioskctl(scanner, kioskctl):
    """kioskctl scan-test reads the uhid scanner's hidraw node and decodes the ID card."""
    passed = failed = 0

    def check(name, ok, why=""):
        nonlocal passed, failed
        print(("PASS " + name) if ok else ("FAIL %s: %s" % (name, why)), flush=True)
        passed, failed = passed + bool(ok), failed + (not ok)
        return ok

    # From the checkout, so kioskctl finds Hardware/keymaps (scan-test loads the configured keymap).
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    env = dict(os.environ, KIOSK_KEYMAPS=os.path.join(repo, "Hardware", "keymaps"))
    found = subprocess.run([kioskctl, "devices"], capture_output=True, text=True, timeout=30, cwd=repo, env=env)
    line = next((l for l in found.stdout.splitlines() if scanner.hidraw in l), "")
    check("kioskctl devices: the uhid scanner's hidraw node speaks HID-POS", "HID-POS barcode scanner" in line,
          line or found.stdout[-400:])
    # As a technician runs it, `sudo -u kiosk kioskctl scan-test`: the service user's groups,
    # on the node as udev's rules left it.
    subprocess.run(["udevadm", "settle", "--timeout=30"], check=False)
    reader = subprocess.Popen(
        service_user.command(repo, [kioskctl, "scan-test", "--mode", "hidpos", "--device", scanner.hidraw, "--json"]),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=repo, env=env)
    try:
        if not check("kioskctl scan-test as the service user opens the hidraw node", scanner.wait_open(30),
                     "no UHID_OPEN in 30 s"):
            reader.terminate()
            print("FAIL HID-POS: kioskctl scan-test said: %s" % reader.communicate(timeout=10)[1].decode()[-400:],
                  flush=True)
            return False
        scanner.scan(ID_CARD, "]Q1")
        scanner.scan("1.001234", "]C0")
        # Raw reads of the pipe (a buffered readline after select would strand a second line
        # in Python's buffer).
        lines, pending, deadline = [], b"", time.monotonic() + 30
        while time.monotonic() < deadline and sum(1 for l in lines if l.get("kind") != "state") < 2:
            scanner.pump(0)
            ready, _, _ = select.select([reader.stdout], [], [], 0.2)
            if ready:
                chunk = os.read(reader.stdout.fileno(), 65536)
                if not chunk:
                    break
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    lines.append(json.loads(line.decode("utf-8")))
        card = next((l for l in lines if l.get("kind") == "id-card"), {})
        check("HID-POS on the real kernel: the ID card's name arrives exactly (UTF-8, no Alt codes)",
              card.get("name") == ID_CARD_NAME, repr(lines))
        check("HID-POS: the symbology identifier is kept (]Q1 for the QR)", card.get("symbology") == "]Q1",
              repr(card))
        code = next((l for l in lines if l.get("kind") == "procedure-code"), {})
        check("HID-POS: a CODE128 procedure code follows as its own scan", code.get("value") == "1.001234",
              repr(lines))
    finally:
        reader.terminate()
        try:
            reader.wait(10)
        except subprocess.TimeoutExpired:
            reader.kill()
    print("%d passed, %d failed" % (passed, failed), flush=True)
    return failed == 0


def check_kioskd(scanner, kioskd, kioskctl):
    """kioskd with Mode=hidpos on the uhid scanner: the intake's receipt carries the name exactly."""
    import pty
    import tempfile
    import tty
    passed = failed = 0

    def check(name, ok, why=""):
        nonlocal passed, failed
        print(("PASS " + name) if ok else ("FAIL %s: %s" % (name, why)), flush=True)
        passed, failed = passed + bool(ok), failed + (not ok)
        return ok

    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    work = tempfile.mkdtemp(prefix="kiosk-hidpos-")
    master, slave = pty.openpty()
    tty.setraw(master)
    printer = os.ttyname(slave)
    # The service user: nobody with the shipped unit's groups. Its folder is its own; the
    # printer stand-in's pseudo-terminal is a serial port's (dialout 0660); the scanner's node
    # is as udev's rules left it.
    os.chown(work, service_user.UID, service_user.UID)
    os.chown(printer, 0, grp.getgrnam("dialout").gr_gid)
    os.chmod(printer, 0o660)
    subprocess.run(["udevadm", "settle", "--timeout=30"], check=False)
    info = os.stat(scanner.hidraw)
    check("udev: the shipped rule gives the HID-POS scanner's hidraw node the group input, mode 0640",
          info.st_gid == grp.getgrnam("input").gr_gid and info.st_mode & 0o777 == 0o640,
          "%s: gid %d, mode %o" % (scanner.hidraw, info.st_gid, info.st_mode & 0o777))
    config = os.path.join(work, "kiosk.conf")
    with open(config, "w", encoding="utf-8") as f:
        f.write(f"""[Kiosk]
Id=YB-VM-01
Office=Bưu điện huyện Văn Yên
StateDirectory={work}/state
Procedures={repo}/Hardware/examples/procedures.conf
Holidays={repo}/Hardware/examples/holidays.conf
CodePrefix=YBVY01
LogLevel=debug
[Printer]
Device={printer}
Profile=epson-tm-t20iii
Baud=115200
FlowControl=none
Status=no
[Scanner]
Device={scanner.hidraw}
Mode=hidpos
[Control]
Socket={work}/control.sock
""")
    log = open(os.path.join(work, "kioskd.log"), "w+", encoding="utf-8")
    env = dict(os.environ, KIOSK_DATA_DIR=os.path.join(repo, "Hardware"))
    process = subprocess.Popen(service_user.command(repo, [kioskd, "--config", config]), cwd=repo, stdout=log,
                               stderr=subprocess.STDOUT, env=env)

    def log_count(pattern):
        with open(log.name, encoding="utf-8", errors="replace") as f:
            return sum(1 for line in f if pattern in line)

    def wait(pattern, count=1, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            scanner.pump(0.1)
            if log_count(pattern) >= count:
                return True
            if process.poll() is not None:
                return False
        return False

    received = bytearray()
    try:
        ok, why = service_user.runs_as_service_user(repo, process.pid)
        check("kioskd runs as the service user (uid 65534) with the unit's SupplementaryGroups=", ok, why)
        if not check("kioskd with Mode=hidpos opens the uhid scanner's hidraw node (scanner ok)",
                     wait("scanner ok") and scanner.wait_open(30), "no 'scanner ok' / UHID_OPEN"):
            # Every later check needs the scanner: say what kioskd said instead of waiting them out.
            with open(log.name, encoding="utf-8", errors="replace") as f:
                said = [line for line in f.read().splitlines() if "scanner" in line][-3:]
            print("FAIL HID-POS: the checks after it did not run; kioskd said: %s" % " | ".join(said)[-600:],
                  flush=True)
            return False
        with open(log.name, encoding="utf-8", errors="replace") as f:
            ok_line = next((l for l in f if "scanner ok" in l), "")
        check("kioskd names the scanner by HIDIOCGRAWNAME/HIDIOCGRAWINFO", "0c2e:0b87" in ok_line, ok_line.strip())
        scanner.scan(ID_CARD, "]Q1")
        wait("scan handled", 1, 60)
        scanner.scan("1.001234", "]C0")
        wait("scan handled", 2, 60)
        # The receipt: read the printer's pty until the cut (GS V).
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and b"\x1dV" not in received:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                received += os.read(master, 65536)
        receipt = os.path.join(work, "receipt.bin")
        with open(receipt, "wb") as f:
            f.write(received)
        render = subprocess.run([kioskctl, "render", receipt, "--text", "--profile", "epson-tm-t20iii"],
                                capture_output=True, text=True, timeout=60, cwd=repo, env=env)
        check("HID-POS intake on the real kernel: the receipt carries the name exactly",
              # The national form's applicant line ("Tiếp nhận hồ sơ của: NAME").
              ("của: " + ID_CARD_NAME) in render.stdout,
              (render.stdout[-600:] or render.stderr[-300:]) + " (%d bytes)" % len(received))
        with open(log.name, encoding="utf-8", errors="replace") as f:
            text = f.read()
        check("no personal data in kioskd's log", ID_CARD_NAME not in text and "001195012345" not in text,
              "the name or ID number is in the log")
        # Unplug (UHID_DESTROY) and plug back: missing, then ok again on the new node.
        node = scanner.hidraw
        scanner.destroy()
        check("HID-POS unplug: kioskd reports the scanner missing", wait("scanner missing", 1, 30),
              "no 'scanner missing'")
        scanner.create()
        check("HID-POS replug: kioskd opens it again (scanner ok)",
              scanner.hidraw == node and wait("scanner ok", 2, 30) and scanner.wait_open(30),
              "new node %s (was %s) or no second 'scanner ok'" % (scanner.hidraw, node))
        before = log_count("scan handled")
        scanner.scan(ID_CARD, "]Q1")
        check("HID-POS replug: the next scan (an ID card) is handled", wait("scan handled", before + 1, 30),
              "no 'scan handled'")
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        os.close(master)
        os.close(slave)
    if failed:
        print("kept: " + work, flush=True)
    else:
        shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed), flush=True)
    return failed == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vendor", default="0c2e")
    parser.add_argument("--product", default="0b87")
    parser.add_argument("--symbology", default="]Q1")
    parser.add_argument("command", choices=["scan", "serve", "check-kioskctl", "check-kioskd"])
    parser.add_argument("arguments", nargs="*")
    args = parser.parse_args()
    scanner = Scanner(vendor=int(args.vendor, 16), product=int(args.product, 16))
    print("HIDRAW " + scanner.create(), flush=True)
    try:
        if args.command == "scan":
            if not scanner.wait_open(60):
                print("no reader opened the hidraw node in 60 s", file=sys.stderr)
                return 1
            for text in args.arguments or [ID_CARD]:
                scanner.scan(text, args.symbology)
            scanner.pump(0.5)
        elif args.command == "serve":
            for line in sys.stdin:
                scanner.scan(line.rstrip("\n"), args.symbology)
        elif args.command == "check-kioskd":
            if len(args.arguments) != 2:
                parser.error("check-kioskd needs the paths of kioskd and kioskctl")
            return 0 if check_kioskd(scanner, args.arguments[0], args.arguments[1]) else 1
        else:
            if not args.arguments:
                parser.error("check-kioskctl needs the path of kioskctl")
            return 0 if check_kioskctl(scanner, args.arguments[0]) else 1
    finally:
        scanner.destroy()
    return 0


if __name__ == "__main__":
    sys.exit(main())
