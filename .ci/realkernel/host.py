#!/usr/bin/env python3
"""Host side of the real-kernel test (.ci/realkernel/run.sh starts it).

Boots Debian's kernel under QEMU TCG through virtme-ng (the host's root filesystem,
copy-on-write), with the kiosk's devices on real kernel drivers:

  usb-kbd on qemu-xhci     -> usbhid + evdev: the barcode scanner, typed from here via QMP
  isa-serial (16550A)      -> /dev/ttyS1, host end a unix socket read by kiosk-bench printer-socket
  usb-serial (FTDI)        -> /dev/ttyUSB0 (ftdi_sio), host end a unix socket likewise; QEMU
                              presents the adapter only while the host end is connected

The guest (guest.py) runs kioskd, kioskctl and kiosk-central and asks this side, through
request files in the shared work folder, to type, unplug and replug devices or to close and
reopen the printers' host ends. Prints the guest's check lines; the last line is
"N passed, N failed".
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

work, repo, bindir, kernel, products = sys.argv[1:6]
budget = float(os.environ.get("KIOSK_VM_TIMEOUT", "900"))

# --- the printers' host ends -------------------------------------------------------------

emulators = {}


def printer_on(which):
    if which in emulators and emulators[which].poll() is None:
        return
    log = open(f"{work}/{which}-emulator.log", "a")
    emulators[which] = subprocess.Popen(
        [f"{bindir}/kiosk-bench", "printer-socket", "--socket", f"{work}/{which}.sock",
         "--out", f"{work}/{which}-receipts", "--profiles", f"{repo}/Hardware/printers"],
        stdout=log, stderr=log)


def printer_off(which):
    process = emulators.get(which)
    if process and process.poll() is None:
        process.terminate()
        process.wait()


# --- QMP: typing on the usb-kbd, unplug and replug -----------------------------------------

class QMP:
    def __init__(self, path):
        deadline = time.time() + 120
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        self.file = self.sock.makefile("rw")
        self.file.readline()
        self.command("qmp_capabilities")

    def command(self, name, **arguments):
        message = {"execute": name}
        if arguments:
            message["arguments"] = arguments
        self.file.write(json.dumps(message) + "\n")
        self.file.flush()
        while True:
            answer = json.loads(self.file.readline())
            if "return" in answer or "error" in answer:
                return answer


# US layout: character -> (qcode, shift)
KEYS = {c: (c, False) for c in "abcdefghijklmnopqrstuvwxyz0123456789"}
KEYS.update({c.upper(): (c, True) for c in "abcdefghijklmnopqrstuvwxyz"})
KEYS.update({
    " ": ("spc", False), ".": ("dot", False), ",": ("comma", False), "-": ("minus", False),
    "/": ("slash", False), ";": ("semicolon", False), ":": ("semicolon", True),
    "|": ("backslash", True), "*": ("8", True), "\n": ("ret", False),
})


def key(qcode, down):
    return {"type": "key", "data": {"down": down, "key": {"type": "qcode", "data": qcode}}}


def strokes(text):
    """Events per character: a key with Shift when needed, Alt + keypad digits otherwise."""
    for ch in text:
        if ch in KEYS:
            qcode, shift = KEYS[ch]
            events = [key(qcode, True), key(qcode, False)]
            if shift:
                events = [key("shift", True)] + events + [key("shift", False)]
        else:
            events = [key("alt", True)]
            for digit in str(ord(ch)):
                events += [key(f"kp_{digit}", True), key(f"kp_{digit}", False)]
            events.append(key("alt", False))
        yield events


def type_text(qmp, text):
    # usb-kbd keeps 16 key changes and reports one per 8 ms poll: send a character at a time
    # and give the guest time for it (a scanner types about as fast).
    for events in strokes(text):
        qmp.command("input-send-event", events=events)
        time.sleep(0.012 * len(events) + 0.008)


def main():
    os.makedirs(f"{work}/req", exist_ok=True)
    for which in ("uart", "ftdi"):
        os.makedirs(f"{work}/{which}-receipts", exist_ok=True)
    qemu = " ".join([
        "-machine i8042=off",  # no PS/2 keyboard: QMP key events go to the usb-kbd
        "-device qemu-xhci,id=xhci",
        # A fixed serial number, as a real scanner has: its /dev/input/by-id name survives a
        # replug (QEMU's default serial includes the port, which can change).
        "-device usb-kbd,id=scanner,bus=xhci.0,serial=KIOSKSCAN1",
        f"-chardev socket,id=uart,path={work}/uart.sock,server=on,wait=off",
        "-device isa-serial,chardev=uart",
        f"-chardev socket,id=ftdi,path={work}/ftdi.sock,server=on,wait=off",
        "-device usb-serial,chardev=ftdi,bus=xhci.0,id=ftdi",
        f"-qmp unix:{work}/qmp.sock,server=on,wait=off",
    ])
    started = time.time()
    guest_log = open(f"{work}/guest-output.log", "w")
    vng = subprocess.Popen(
        ["vng", "--run", kernel, "--disable-kvm", "--memory", "1G", "--cpus", "2",
         "--rwdir", work, f"--qemu-opts={qemu}",
         "--exec", f"/usr/bin/python3 {repo}/.ci/realkernel/guest.py {work} {repo} {products} "
         + os.environ.get("KIOSK_VM_PHASES", "")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)

    def relay():
        for line in vng.stdout:
            guest_log.write(line)
            guest_log.flush()
            if line.startswith(("PASS ", "FAIL ", "INFO ", "MEASURE ")):
                print(line.rstrip(), flush=True)

    relay_thread = threading.Thread(target=relay, daemon=True)
    relay_thread.start()
    printer_on("uart")
    printer_on("ftdi")
    qmp = QMP(f"{work}/qmp.sock")
    handled = set()
    timed_out = False
    while vng.poll() is None:
        if time.time() - started > budget:
            timed_out = True
            os.killpg(vng.pid, signal.SIGKILL)
            break
        requests = sorted(n for n in os.listdir(f"{work}/req") if n.endswith(".json") and n not in handled)
        if not requests:
            time.sleep(0.01)
            continue
        for name in requests:
            handled.add(name)
            with open(f"{work}/req/{name}") as f:
                request = json.load(f)
            op = request["op"]
            answer = {"ok": True}
            if op == "type":
                type_text(qmp, request["text"])
            elif op == "unplug-scanner":
                answer = qmp.command("device_del", id="scanner")
            elif op == "plug-scanner":
                answer = qmp.command("device_add", driver="usb-kbd", id="scanner", bus="xhci.0", serial="KIOSKSCAN1")
            elif op == "printer-off":
                printer_off(request["which"])
            elif op == "printer-on":
                printer_on(request["which"])
            answer["at"] = time.time()
            with open(f"{work}/req/{name}.tmp", "w") as f:
                json.dump(answer, f)
            os.rename(f"{work}/req/{name}.tmp", f"{work}/req/{name[:-5]}.done")
    vng.wait()
    relay_thread.join(timeout=5)
    for which in ("uart", "ftdi"):
        printer_off(which)
    wall = time.time() - started
    print(f"MEASURE vm-phase-wall-seconds {wall:.1f}", flush=True)
    results = f"{work}/results.txt"
    passed = failed = 0
    if os.path.exists(results):
        for line in open(results):
            passed += line.startswith("PASS ")
            failed += line.startswith("FAIL ")
    if timed_out:
        print(f"FAIL the VM phase finished within {budget:.0f} s (killed; guest output in {work}/guest-output.log)")
        failed += 1
    if passed + failed == 0:
        print(f"FAIL the guest ran its checks (vng exit {vng.returncode}, no results; "
              f"guest output in {work}/guest-output.log)")
        failed = 1
    if failed or os.environ.get("KIOSK_VM_KEEP") == "1":
        print(f"INFO logs, receipts and guest output kept in {work}", flush=True)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
