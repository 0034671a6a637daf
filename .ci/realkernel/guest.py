#!/usr/bin/python3
"""Guest side of the real-kernel test: runs inside the VM (Debian's kernel, the host's root
filesystem copy-on-write) as root, with the project's built kioskd, kioskctl, kiosk-central.

Each check prints "PASS name" or "FAIL name: why" (also to WORK/results.txt); measurements
print "MEASURE name value". The host (host.py) types on the usb-kbd, unplugs and replugs it,
and closes and reopens the printers' host ends when asked through WORK/req/.
"""
import errno
import fcntl
import glob
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time

import evdev
from evdev import ecodes

work, repo, bindir = sys.argv[1:4]
# Optional: which phases to run (usb, uart, uinput, hidpos, usblp), comma-separated; all by default.
ALL_PHASES = {"usb", "uart", "uinput", "hidpos", "usblp"}
phases = set(sys.argv[4].split(",")) if len(sys.argv) > 4 and sys.argv[4] else ALL_PHASES
results = open(f"{work}/results.txt", "w")
K = "/tmp/kiosk-vm"
os.makedirs(K, exist_ok=True)
CARD = "001095012345||Nguyễn Bá Hoàng|14031995|Nam|Thôn 3, xã Mậu A, tỉnh Lào Cai|01022021"
PERSONAL = ["001095012345", "Nguyễn Bá Hoàng", "Thôn 3", "14031995"]
PROCEDURE = "1.001234"
CODE = re.compile(r"code=([A-Z0-9]+-\d{6}-\d{4}-[A-Z0-9*])")
T0 = time.time()
sys.path.insert(0, f"{repo}/.ci/realkernel/guest")
import service_user  # noqa: E402 (the folder is put on the path just above)


def out(line):
    print(line, flush=True)
    if line.startswith(("PASS ", "FAIL ")):
        results.write(line + "\n")
        results.flush()


def check(name, ok, why=""):
    out(f"PASS {name}" if ok else f"FAIL {name}: {why}")
    return ok


def measure(name, value):
    out(f"MEASURE {name} {value}")


# --- requests to the host ------------------------------------------------------------------

serial = 0


def host(op, **fields):
    global serial
    serial += 1
    name = f"{work}/req/{serial:04d}"
    with open(name + ".tmp", "w") as f:
        json.dump(dict(op=op, **fields), f)
    os.rename(name + ".tmp", name + ".json")
    deadline = time.time() + 60
    while not os.path.exists(name + ".done"):
        if time.time() > deadline:
            raise RuntimeError(f"host did not answer {op}")
        time.sleep(0.01)
    with open(name + ".done") as f:
        answer = json.load(f)
    # Times are the guest's own clock (the host's may differ by a second): when the host
    # reported the action done.
    answer["at"] = time.time()
    return answer


# --- kioskd, its log and its control socket ------------------------------------------------

class Kioskd:
    def __init__(self, name, printer, scanner, baud=115200, grab="yes", scan_timeout="400ms",
                 as_service_user=False):
        self.name = name
        self.as_service_user = as_service_user
        # As the service user: its state, socket and key in a folder of its own.
        home = f"{K}/{name}" if as_service_user else K
        key = f"{home}/central.key"
        if as_service_user:
            os.makedirs(home, exist_ok=True)
            shutil.copy(f"{K}/central.key", key)
            for path in (home, key):
                os.chown(path, service_user.UID, service_user.UID)
            os.chmod(home, 0o700)
        self.config = f"{K}/{name}.conf"
        self.socket = f"{home}/{name}.sock"
        self.logpath = f"{work}/kioskd-{name}.log"
        with open(self.config, "w") as f:
            f.write(f"""[Kiosk]
Id=YB-VM-01
Office=Bưu điện huyện Văn Yên (VM)
StateDirectory={home}/state-{name}
Procedures={repo}/Hardware/examples/procedures.conf
Holidays={repo}/Hardware/examples/holidays.conf
CodePrefix=YBVM01
LogLevel=debug
[Printer]
Device={printer}
Baud={baud}
FlowControl=none
Profile=generic-80mm
Status=yes
[Scanner]
Device={scanner}
Mode=evdev
Keymap=us
Grab={grab}
ScanTimeout={scan_timeout}
[Central]
URL=http://127.0.0.1:8480
KeyFile={key}
PollUpdates=1min
Timeout=5s
[Control]
Socket={self.socket}
TechnicianCodes=yes
""")
        self.process = None

    def start(self):
        self.log_file = open(self.logpath, "w")
        self.started = time.time()
        command = [f"{bindir}/kioskd", "--config", self.config]
        self.process = subprocess.Popen(
            service_user.command(repo, command) if self.as_service_user else command, cwd=repo, stdout=self.log_file,
            stderr=subprocess.STDOUT)
        return self

    def lines(self):
        with open(self.logpath, errors="replace") as f:
            return f.read().splitlines()

    def wait_log(self, pattern, count=1, timeout=20):
        """Waits until `count` lines contain `pattern`; returns the time it happened or None."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if sum(pattern in line for line in self.lines()) >= count:
                return time.time()
            time.sleep(0.02)
        return None

    def count(self, pattern):
        return sum(pattern in line for line in self.lines())

    def request(self, message):
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(5)
        s.connect(self.socket)
        s.sendall((json.dumps(message) + "\n").encode())
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.close()
        return json.loads(data)

    def printer_state(self):
        try:
            return self.request({"request": "status"})["printer"]["state"]
        except (OSError, ValueError, KeyError):
            return None

    def wait_printer(self, states, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.printer_state() in states:
                return time.time()
            time.sleep(0.02)
        return None

    def status_detail(self):
        try:
            return json.dumps(self.request({"request": "status"})["printer"], ensure_ascii=False)
        except (OSError, ValueError, KeyError):
            return ""

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for line in self.lines():
            for item in PERSONAL:
                if item in line:
                    check(f"{self.name}: no personal data in the log", False, line[:120])
                    return


def scan(kiosk, text, handled_before=None):
    """Types `text` + Enter on the usb-kbd from the host; waits for kioskd to answer it."""
    before = kiosk.count("scan handled") + kiosk.count("scan refused") + kiosk.count("scan-dropped")
    host("type", text=text + "\n")
    deadline = time.time() + 30
    while time.time() < deadline:
        if kiosk.count("scan handled") + kiosk.count("scan refused") + kiosk.count("scan-dropped") > before:
            return kiosk.lines()
        time.sleep(0.02)
    return None


def receipts(which):
    return sorted(glob.glob(f"{work}/{which}-receipts/*.txt"))


def wait_receipt(which, count, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        names = receipts(which)
        if len(names) >= count:
            time.sleep(0.1)
            return open(names[count - 1], errors="replace").read()
        time.sleep(0.05)
    return None


def wait_path(path, present, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if os.path.exists(path) == present:
            return time.time()
        time.sleep(0.01)
    return None


def grab_error(path):
    """A second EVIOCGRAB on `path`: the errno it got, or 0 when it (wrongly) succeeded."""
    device = evdev.InputDevice(path)
    try:
        device.grab()
        device.ungrab()
        return 0
    except OSError as error:
        return error.errno
    finally:
        device.close()


def events_seen(device, until):
    """Key events a second (non-grabbing) reader got until `until()` is true."""
    n = 0
    deadline = time.time() + 40
    while not until() and time.time() < deadline:
        r, _, _ = select.select([device], [], [], 0.05)
        if r:
            try:
                n += sum(1 for e in device.read() if e.type == ecodes.EV_KEY)
            except BlockingIOError:
                pass
    return n


# --- the run ---------------------------------------------------------------------------------

def setup():
    out(f"INFO guest kernel {os.uname().release}, booted in {float(open('/proc/uptime').read().split()[0]):.1f} s")
    subprocess.run(["ip", "link", "set", "lo", "up"], check=False)
    subprocess.run(["modprobe", "uinput"], check=False)
    os.makedirs("/etc/udev/rules.d", exist_ok=True)
    shutil.copy(f"{repo}/Hardware/udev/60-kiosk.rules", "/etc/udev/rules.d/60-kiosk.rules")
    with open("/etc/udev/rules.d/60-kiosk-local.rules", "w") as f:
        # QEMU's usb-kbd plays a keyboard-wedge scanner (the documented local-rule way).
        f.write('SUBSYSTEM=="input", KERNEL=="event*", ATTRS{idVendor}=="0627", ATTRS{idProduct}=="0001", '
                'ENV{ID_INPUT_KEYBOARD}=="1", ENV{KIOSK_ROLE}="scanner"\n')
        # The uhid HID-POS scanner has no USB parent for the shipped rule's vendor match: its HID
        # device (bus 0003, Honeywell 0c2e:0b87) gets the role here, and the shipped rule does
        # the rest on every plug (link, group input, mode 0640), as for a USB one.
        f.write('SUBSYSTEM=="hidraw", KERNELS=="0003:0C2E:0B87.*", ENV{KIOSK_ROLE}="scanner", '
                'OPTIONS+="link_priority=-10"\n')
    if not any(os.path.exists(p) for p in ("/run/udev/control",)):
        subprocess.Popen(["/lib/systemd/systemd-udevd", "--daemon"])
        time.sleep(0.5)
    subprocess.run(["udevadm", "control", "--reload"], check=False)
    subprocess.run(["udevadm", "trigger", "--action=add"], check=False)
    subprocess.run(["udevadm", "settle", "--timeout=30"], check=False)
    # The key is a secret: readable by its owner only, or kioskd and kiosk-central refuse it.
    fd = os.open(f"{K}/central.key", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(b"vm-test-key-0123456789abcdef-0123456789abcdef")
    os.chmod(f"{K}/central.key", 0o600)
    central = subprocess.Popen(
        [f"{bindir}/kiosk-central", "--db", f"{K}/central.db", "--kiosk", f"YB-VM-01={K}/central.key",
         "--listen", "127.0.0.1:8480"], stdout=open(f"{K}/central.log", "w"), stderr=subprocess.STDOUT)
    return central


def phase_usb(central):
    """usb-kbd scanner (grab, intake, unplug) and the FTDI printer (unplug, TIOCEXCL)."""
    ok = wait_path("/dev/kiosk-printer", True, 30) is not None
    check("udev: /dev/kiosk-printer links the FTDI adapter (ttyUSB0)",
          ok and os.path.realpath("/dev/kiosk-printer").startswith("/dev/ttyUSB"),
          f"link {os.path.realpath('/dev/kiosk-printer') if ok else 'missing'}")
    ok = wait_path("/dev/kiosk-scanner", True, 30) is not None
    scanner_node = os.path.realpath("/dev/kiosk-scanner") if ok else ""
    check("udev: /dev/kiosk-scanner links the usb-kbd's event node", ok and "/dev/input/event" in scanner_node,
          f"link {scanner_node or 'missing'}")
    if not ok:
        return
    kiosk = Kioskd("usb", "/dev/kiosk-printer", "/dev/kiosk-scanner").start()
    started = kiosk.wait_log("kioskd started", 1, 60)
    if started:
        measure("kioskd-exec-to-started-line-seconds", f"{started - kiosk.started:.2f}")
    ready = kiosk.wait_printer({"ok"}, 60)
    if check("kioskd on the FTDI printer: printer ok", ready is not None, kiosk.status_detail()):
        measure("kioskd-start-to-printer-ok-seconds", f"{ready - kiosk.started:.2f}")
    grabbed = kiosk.wait_log("scanner grabbed", 1, 20)
    check("EVIOCGRAB: kioskd holds the usb-kbd scanner", grabbed is not None, "no 'scanner grabbed' line")
    time.sleep(0.3)
    check("scanner state logged once per change (one 'scanner ok' at start)", kiosk.count("scanner ok") == 1,
          f"{kiosk.count('scanner ok')} lines")
    code = grab_error(scanner_node)
    check("EVIOCGRAB: a second grab gets EBUSY", code == errno.EBUSY, f"errno {code}")

    # Intake: ID card (Alt codes) then the procedure, a second reader watching the node.
    second = evdev.InputDevice(scanner_node)
    lines_before = kiosk.count("scan handled")
    typed = {"done": False}

    def intake_done():
        return kiosk.count("scan handled") >= lines_before + 2 or typed["done"]

    host("type", text=CARD + "\n")
    host("type", text=PROCEDURE + "\n")
    seen = events_seen(second, lambda: kiosk.count("scan handled") >= lines_before + 2)
    second.close()
    check("EVIOCGRAB: a second reader saw nothing during the intake", seen == 0, f"{seen} key events")
    handled = [line for line in kiosk.lines() if "scan handled" in line][lines_before:]
    codes = [m.group(1) for line in handled for m in [CODE.search(line)] if m]
    check("intake: ID card (Vietnamese, Alt codes) and procedure handled",
          any("scan=id-card" in line or "citizen" in line for line in handled) and codes != [],
          " | ".join(handled)[:300] or "no 'scan handled' lines")
    text = wait_receipt("ftdi", 1, 30)
    if codes and text:
        tracking = codes[-1]
        check("intake: receipt at the host emulator carries the tracking code (text, CODE128, QR)",
              tracking in text and f"[CODE128 {tracking}]" in text and "[QR " in text and tracking in
              text.split("[QR ", 1)[1], f"code {tracking}; receipt {text[:200]!r}")
    else:
        check("intake: receipt at the host emulator carries the tracking code (text, CODE128, QR)", False,
              f"codes {codes}, receipt {'none' if text is None else 'present'}")

    # TIOCEXCL: an unprivileged member of dialout cannot open the printer port kioskd holds.
    tty = os.path.realpath("/dev/kiosk-printer")
    probe = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--groups=20", "/usr/bin/python3", "-c",
         f"import os,sys\ntry: os.open('{tty}', os.O_RDWR|os.O_NOCTTY|os.O_NONBLOCK)\n"
         "except OSError as e: print(e.errno); sys.exit(0)\nprint(0)"],
        capture_output=True, text=True)
    got = probe.stdout.strip()
    check(f"TIOCEXCL: a second open of {tty} (uid nobody, group dialout) gets EBUSY", got == str(errno.EBUSY),
          f"got {got or probe.stderr.strip()[:100]}")

    # Scanner unplug and replug (usbhid + evdev gone and back, the udev link with it).
    missing_before = kiosk.count("scanner missing")
    ok_before = kiosk.count("scanner ok")
    at = host("unplug-scanner")["at"]
    gone = kiosk.wait_log("scanner missing", missing_before + 1, 20)
    if check("scanner unplug (device_del): kioskd reports missing", gone is not None, "no 'scanner missing'"):
        measure("scanner-unplug-to-missing-ms", f"{(gone - at) * 1000:.0f}")
    at = host("plug-scanner")["at"]
    back = kiosk.wait_log("scanner ok", ok_before + 1, 20)
    if check("scanner replug (device_add): kioskd reports ok and grabs it again", back is not None and
             kiosk.wait_log("scanner grabbed", 2, 10) is not None, "no 'scanner ok' / 'scanner grabbed'"):
        measure("scanner-replug-to-ok-ms", f"{(back - at) * 1000:.0f}")
        lines = scan(kiosk, "KIOSK:STATUS")
        check("scanner replug: a scan after the replug is handled", lines is not None, "no answer to the scan")

    # USB-serial unplug and replug: closing the host end detaches QEMU's FTDI.
    at = host("printer-off", which="ftdi")["at"]
    gone = kiosk.wait_printer({"missing"}, 20)
    if check("USB-serial unplug: printer missing", gone is not None, kiosk.status_detail()):
        measure("usb-serial-unplug-to-missing-ms", f"{(gone - at) * 1000:.0f}")
    at = host("printer-on", which="ftdi")["at"]
    back = kiosk.wait_printer({"ok"}, 30)
    if check("USB-serial replug: printer ok", back is not None, kiosk.status_detail()):
        measure("usb-serial-replug-to-ok-ms", f"{(back - at) * 1000:.0f}")

    # Renumbering: a process still holds ttyUSB0 open as the adapter goes away (root passes
    # TIOCEXCL), so the replugged adapter becomes ttyUSB1; the udev link and kioskd follow.
    old = os.path.realpath("/dev/kiosk-printer")
    stale = os.open(old, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    host("printer-off", which="ftdi")
    kiosk.wait_printer({"missing"}, 20)
    host("printer-on", which="ftdi")
    back = kiosk.wait_printer({"ok"}, 30)
    new = os.path.realpath("/dev/kiosk-printer")
    os.close(stale)
    check("USB-serial renumbered (old node held open): /dev/kiosk-printer follows to the new ttyUSB, printer ok",
          back is not None and new != old and new.startswith("/dev/ttyUSB"), f"{old} -> {new}; {kiosk.status_detail()}")
    kiosk.stop()

    # The unit's DeviceAllow=char-ttyUSB: systemd resolves the name through /proc/devices when
    # the unit starts. On Debian's kernel that line exists only once usbserial is loaded.
    host("printer-off", which="ftdi")
    wait_path("/dev/kiosk-printer", False, 20)
    subprocess.run(["modprobe", "-r", "ftdi_sio", "usbserial"], check=False)
    unloaded = open("/proc/devices").read()
    host("printer-on", which="ftdi")
    wait_path("/dev/kiosk-printer", True, 30)
    loaded = open("/proc/devices").read()
    check("Debian's kernel: no ttyUSB in /proc/devices until usbserial loads, then major 188",
          "ttyUSB" not in unloaded and re.search(r"^\s*188 ttyUSB$", loaded, re.M) is not None,
          f"unloaded has ttyUSB: {'ttyUSB' in unloaded}; loaded: {re.findall(r'.*ttyUSB.*', loaded)}")

    # The grab taken back: another process holds it as kioskd starts, then lets go.
    scanner_node = os.path.realpath("/dev/kiosk-scanner")  # the replugged keyboard's node
    holder = evdev.InputDevice(scanner_node)
    holder.grab()
    # This kioskd reads the scanner through its /dev/input/by-id link (udev's persistent name).
    by_id = sorted(glob.glob("/dev/input/by-id/*QEMU*event-kbd"))
    check("udev: /dev/input/by-id link for the usb-kbd", by_id != [], "none")
    kiosk = Kioskd("contended", "/dev/kiosk-printer", by_id[0] if by_id else "/dev/kiosk-scanner").start()
    failed = kiosk.wait_log("scanner grab-failed", 1, 30)
    check("grab held by another process at start: kioskd logs grab-failed", failed is not None,
          "no 'grab-failed' line")
    kiosk.wait_printer({"ok"}, 30)
    handled_before = kiosk.count("scan handled")
    host("type", text="KIOSK:STATUS\n")
    time.sleep(1.0)
    check("while another process holds the grab, kioskd handles no scan", kiosk.count("scan handled") ==
          handled_before, "a scan was handled while not grabbed")
    held = holder.active_keys()
    if held:
        out(f"INFO keys held down after typing into the other holder's grab: {held}")
    grabbed_before = kiosk.count("scanner grabbed")
    holder.ungrab()
    released = time.time()
    retaken = kiosk.wait_log("scanner grabbed", grabbed_before + 1, 10)
    if check("grab taken back after the other holder let go", retaken is not None, "no 'scanner grabbed'"):
        measure("grab-retaken-after-release-ms", f"{(retaken - released) * 1000:.0f}")
    code = grab_error(scanner_node)
    check("grab taken back: a second grab gets EBUSY again", code == errno.EBUSY, f"errno {code}")
    holder.close()
    lines = scan(kiosk, "KIOSK:STATUS")
    check("grab taken back: the next scan is handled by kioskd", lines is not None and
          kiosk.count("scan handled") > handled_before, "no 'scan handled'")

    if by_id:
        missing_before = kiosk.count("scanner missing")
        ok_before = kiosk.count("scanner ok")
        at = host("unplug-scanner")["at"]
        gone = kiosk.wait_log("scanner missing", missing_before + 1, 20)
        if check("scanner unplug through /dev/input/by-id: missing", gone is not None, "no 'scanner missing'"):
            measure("scanner-by-id-unplug-to-missing-ms", f"{(gone - at) * 1000:.0f}")
        at = host("plug-scanner")["at"]
        back = kiosk.wait_log("scanner ok", ok_before + 1, 20)
        if check("scanner replug through /dev/input/by-id: ok", back is not None, "no 'scanner ok'"):
            measure("scanner-by-id-replug-to-ok-ms", f"{(back - at) * 1000:.0f}")
    kiosk.stop()


def phase_uart():
    """The 16550A UART: 9600 baud, the host end closed and reopened, an impossible baud."""
    kiosk = Kioskd("uart9600", "/dev/ttyS1", "/dev/kiosk-scanner", baud=9600).start()
    ready = kiosk.wait_printer({"ok"}, 60)
    if check("16550A at 9600 baud: printer ok", ready is not None, kiosk.status_detail()):
        measure("kioskd-start-to-printer-ok-uart-seconds", f"{ready - kiosk.started:.2f}")
    before = len(receipts("uart"))
    page = subprocess.run([f"{bindir}/kioskctl", "test-print", "--socket", kiosk.socket],
                          capture_output=True, text=True, cwd="/")
    text = wait_receipt("uart", before + 1, 60)
    check("16550A at 9600 baud: kioskctl test-print reaches the host emulator", page.returncode == 0 and
          text is not None, f"exit {page.returncode} {page.stderr.strip()[:120]}")

    host("printer-off", which="uart")
    offline = kiosk.wait_printer({"offline"}, 30)
    check("UART host end closed: printer offline", offline is not None, kiosk.status_detail())
    lines = scan(kiosk, CARD)
    lines = scan(kiosk, PROCEDURE) if lines else None
    refused = lines is not None and any("scan refused" in line and "printer" in line for line in lines[-3:])
    check("UART host end closed: an intake is refused", refused,
          " | ".join(lines[-3:])[:300] if lines else "no answer")
    host("printer-on", which="uart")
    back = kiosk.wait_printer({"ok"}, 40)
    check("UART host end reopened: printer ok again", back is not None, kiosk.status_detail())
    kiosk.stop()

    kiosk = Kioskd("uart230400", "/dev/ttyS1", "/dev/kiosk-scanner", baud=230400).start()
    kiosk.wait_log("kioskd started", 1, 30)
    deadline = time.time() + 20
    detail = ""
    while time.time() < deadline:
        detail = kiosk.status_detail()
        if "cannot do 230400 baud" in detail:
            break
        time.sleep(0.1)
    check("230400 baud on a 16550A: reported as 'cannot do 230400 baud on /dev/ttyS1; set Baud= to 115200 "
          "or lower', not as not connected",
          "cannot do 230400 baud on /dev/ttyS1; set Baud= to 115200 or lower" in detail and
          '"missing"' not in detail, detail[:300])
    kiosk.stop()


def uinput_scanner():
    capabilities = {ecodes.EV_KEY: list(range(1, 120))}
    return evdev.UInput(capabilities, name="kiosk-vm-uinput-scanner", vendor=0x0c2e, product=0x0b61)


KEYS = {c: (getattr(ecodes, f"KEY_{c.upper()}"), False) for c in "abcdefghijklmnopqrstuvwxyz0123456789"}
KEYS.update({c.upper(): (getattr(ecodes, f"KEY_{c}"), True) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"})
KEYS.update({".": (ecodes.KEY_DOT, False), ":": (ecodes.KEY_SEMICOLON, True), "\n": (ecodes.KEY_ENTER, False)})


def type_uinput(ui, text, gap=0.007):
    """Types on the uinput device, a report every `gap` s."""
    for ch in text:
        code, shift = KEYS[ch]
        if shift:
            ui.write(ecodes.EV_KEY, ecodes.KEY_LEFTSHIFT, 1)
            ui.syn()
        ui.write(ecodes.EV_KEY, code, 1)
        ui.syn()
        time.sleep(gap)
        ui.write(ecodes.EV_KEY, code, 0)
        ui.syn()
        if shift:
            ui.write(ecodes.EV_KEY, ecodes.KEY_LEFTSHIFT, 0)
            ui.syn()
        time.sleep(gap)


def phase_uinput():
    """A uinput keyboard made in the guest: SYN_DROPPED from a burst, a reader stall mid-scan."""
    ui = uinput_scanner()
    time.sleep(0.5)
    node = ui.device.path
    kiosk = Kioskd("uinput", "/dev/ttyS1", node, baud=115200, scan_timeout="200ms").start()
    kiosk.wait_log("scanner grabbed", 1, 30)
    kiosk.wait_printer({"ok"}, 30)

    # A reader stall mid-scan: kioskd stopped for 800 ms (ScanTimeout=200ms) while the rest of a
    # code is typed at 7 ms a report, then it reads that rest at once. Judged by the kernel's
    # event times, it is still one scan (by read times it was two, both refused as unreadable).
    before = kiosk.count("scan handled") + kiosk.count("scan refused")
    type_uinput(ui, "1.00")
    kiosk.process.send_signal(signal.SIGSTOP)
    type_uinput(ui, "1234\n")
    time.sleep(0.8)
    kiosk.process.send_signal(signal.SIGCONT)
    deadline = time.time() + 15
    while time.time() < deadline and kiosk.count("scan handled") + kiosk.count("scan refused") == before:
        time.sleep(0.02)
    time.sleep(0.5)
    answers = [line for line in kiosk.lines() if "scan handled" in line or "scan refused" in line][before:]
    check("reader stalled 800 ms mid-scan (SIGSTOP, ScanTimeout=200ms): still one scan (kernel event times)",
          len(answers) == 1 and "unreadable" not in answers[0], " | ".join(answers)[:300] or "no answer")

    # An unpaced burst while kioskd is stopped: the kernel's evdev buffer overflows.
    dropped_before = kiosk.count("SYN_DROPPED")
    handled_before = kiosk.count("scan handled")
    kiosk.process.send_signal(signal.SIGSTOP)
    for _ in range(40):
        for ch in "KIOSK:STATUS\n":
            code, shift = KEYS[ch]
            if shift:
                ui.write(ecodes.EV_KEY, ecodes.KEY_LEFTSHIFT, 1)
            ui.write(ecodes.EV_KEY, code, 1)
            ui.write(ecodes.EV_KEY, code, 0)
            if shift:
                ui.write(ecodes.EV_KEY, ecodes.KEY_LEFTSHIFT, 0)
            ui.syn()
    kiosk.process.send_signal(signal.SIGCONT)
    got = kiosk.wait_log("SYN_DROPPED", dropped_before + 1, 15)
    time.sleep(1.0)
    check("unpaced burst: SYN_DROPPED seen and the scan it fell in dropped", got is not None,
          "no scan dropped for SYN_DROPPED")
    wrong = [line for line in kiosk.lines()[-200:] if "scan refused" in line and "unreadable" in line]
    check("unpaced burst: no fragment of a scan handled as a scan of its own", wrong == [],
          " | ".join(wrong)[:300])
    before = kiosk.count("scan handled")
    type_uinput(ui, "KIOSK:STATUS\n")
    check("after the burst: the next scan is handled", kiosk.wait_log("scan handled", before + 1, 15) is not None,
          "no 'scan handled'")
    kiosk.stop()
    ui.close()


def phase_hidpos():
    """A HID-POS scanner made with uhid (guest/hidpos_uhid.py): kioskd with Mode=hidpos takes an
    intake whose receipt carries the name exactly, unplug and replug; kioskctl devices and
    scan-test on the same device. Each of the script's checks is one check here."""
    subprocess.run(["modprobe", "uhid"], check=False)
    script = f"{repo}/.ci/realkernel/guest/hidpos_uhid.py"
    for arguments in (["check-kioskd", f"{bindir}/kioskd", f"{bindir}/kioskctl"],
                      ["check-kioskctl", f"{bindir}/kioskctl"]):
        run = subprocess.run(["/usr/bin/python3", script] + arguments, capture_output=True, text=True,
                             timeout=300, cwd="/")
        lines = [line for line in run.stdout.splitlines() if line.startswith(("PASS ", "FAIL "))]
        for line in lines:
            out(line if "HID-POS" in line or "hidpos" in line.lower() else line.replace(" ", " HID-POS: ", 1))
        if not lines:
            check(f"hidpos_uhid.py {arguments[0]} ran its checks", False,
                  f"exit {run.returncode}: {(run.stdout + run.stderr)[-300:]}")


def phase_usblp():
    """A USB printer-class printer on the kernel's own USB stack: dummy_hcd + the printer gadget
    (configfs), usblp on the host side (/dev/usb/lp0), the project's emulator on the gadget side
    (/dev/g_printer0). kioskd with Device=/dev/usb/lp0 prints an intake's receipt through it;
    status answers (DLE EOT) come back through usblp's read; paper out refuses the intake."""
    import usblp_gadget
    started = time.time()
    lp, gadget = usblp_gadget.create()
    check("usblp: dummy_hcd + printer gadget give /dev/usb/lpN and /dev/g_printerN", lp.startswith("/dev/usb/lp"),
          f"{lp} {gadget}")
    subprocess.run(["udevadm", "settle", "--timeout=30"], check=False)
    links = subprocess.run(["udevadm", "info", "--query=symlink", f"--name={lp}"], capture_output=True,
                           text=True).stdout.split()
    check("udev: the shipped rule gives the usblp printer /dev/kiosk-printer", "kiosk-printer" in links,
          f"links of {lp}: {links}")
    device_id = usblp_gadget.ieee1284_id(lp)
    check("usblp GET_DEVICE_ID: the gadget's IEEE 1284 ID reached the host (sysfs ieee1284_id)",
          "MDL:Gadget Receipt Printer" in device_id, repr(device_id))
    # The class status byte (GET_PORT_STATUS): set on the gadget, read by usblp's LPGETSTATUS.
    usblp_gadget.set_status(gadget, usblp_gadget.PRINTER_SELECTED | usblp_gadget.PRINTER_NOT_ERROR
                            | usblp_gadget.PRINTER_PAPER_EMPTY)
    empty = usblp_gadget.port_status(lp)
    usblp_gadget.set_status(gadget, usblp_gadget.PRINTER_SELECTED | usblp_gadget.PRINTER_NOT_ERROR)
    full = usblp_gadget.port_status(lp)
    check("usblp GET_PORT_STATUS: the gadget's paper-empty bit set and cleared (LPGETSTATUS)",
          empty & usblp_gadget.PRINTER_PAPER_EMPTY and not full & usblp_gadget.PRINTER_PAPER_EMPTY,
          f"status with paper empty 0x{empty:02x}, after 0x{full:02x}")
    devices = subprocess.run([f"{bindir}/kioskctl", "devices"], capture_output=True, text=True, cwd="/")
    listed = [line for line in devices.stdout.splitlines() if lp in line]
    check("kioskctl devices lists the usblp printer with its USB ids (sysfs)",
          any("1d6b:0104" in line for line in listed), (" | ".join(listed) or devices.stdout[-300:]))

    os.makedirs(f"{work}/usblp-receipts", exist_ok=True)
    paper_out = f"{work}/usblp-paper-out"
    emulator_log = open(f"{work}/usblp-emulator.log", "w")
    emulator = subprocess.Popen(
        [f"{bindir}/kiosk-bench", "printer-socket", "--device", gadget, "--out", f"{work}/usblp-receipts",
         "--profiles", f"{repo}/Hardware/printers", "--paper-out-file", paper_out],
        stdout=emulator_log, stderr=emulator_log)
    # As the shipped unit runs it: /dev/usb/lpN is the group lp's (udev's own rules).
    kiosk = Kioskd("usblp", lp, "/dev/kiosk-scanner", as_service_user=True).start()
    try:
        ok, why = service_user.runs_as_service_user(repo, kiosk.process.pid)
        check("usblp: kioskd runs as the service user with the unit's SupplementaryGroups=", ok, why)
        ready = kiosk.wait_printer({"ok"}, 60)
        check("kioskd on /dev/usb/lp0: printer ok (DLE EOT answered through the gadget and usblp's read)",
              ready is not None, kiosk.status_detail())
        kiosk.wait_log("scanner grabbed", 1, 20)
        lines = scan(kiosk, CARD)
        lines = scan(kiosk, PROCEDURE) if lines else None
        codes = [m.group(1) for line in (lines or [])[-3:] for m in [CODE.search(line)] if m]
        text = wait_receipt("usblp", 1, 60)
        flat = (text or "").replace("\n", " ")
        check("usblp intake: the receipt reached the gadget with the Vietnamese name and the tracking code",
              text is not None and "Nguyễn Bá Hoàng" in flat and codes != [] and codes[-1] in flat,
              f"codes {codes}; receipt {flat[:300] if text else 'none'}")
        open(paper_out, "w").close()
        lines = scan(kiosk, CARD)
        lines = scan(kiosk, PROCEDURE) if lines else None
        refused = lines is not None and any("scan refused" in line and "printer" in line for line in lines[-3:])
        check("usblp paper out (DLE EOT through usblp): the intake is refused", refused,
              " | ".join((lines or [])[-3:])[:300] or "no answer")
        os.unlink(paper_out)
        back = kiosk.wait_printer({"ok"}, 40)
        check("usblp paper back: printer ok again", back is not None, kiosk.status_detail())
    finally:
        kiosk.stop()
        emulator.terminate()
        emulator.wait()
        usblp_gadget.destroy()
    measure("usblp-phase-seconds", f"{time.time() - started:.1f}")


def main():
    central = setup()
    for phase in (phase_usb, phase_uart, phase_uinput, phase_hidpos, phase_usblp):
        if phase.__name__.removeprefix("phase_") not in phases:
            continue
        try:
            phase(central) if phase is phase_usb else phase()
        except Exception as error:  # a broken phase is a failed check, the next phase still runs
            check(f"{phase.__name__} ran to its end", False, f"{type(error).__name__}: {error}")
    central.terminate()
    measure("guest-checks-seconds", f"{time.time() - T0:.1f}")


main()
