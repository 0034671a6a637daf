#!/usr/bin/env python3
"""A USB printer made with the kernel's own drivers, for the real-kernel VM: dummy_hcd (a
virtual USB host controller and device controller joined back to back), the printer gadget
function (usb_f_printer, configured through configfs/libcomposite) and, on the host side of
that virtual bus, the usblp driver a real USB receipt printer meets.

The gadget side is /dev/g_printer0: what the host writes to /dev/usb/lp0 is read there, what
is written there is what the host reads back (status answers). The gadget's IEEE 1284 device
ID (pnp_string) is what usblp's GET_DEVICE_ID fetches (sysfs `ieee1284_id`), and its status
byte (ioctl GADGET_SET_PRINTER_STATUS) is what usblp's GET_PORT_STATUS (LPGETSTATUS) reads.
Python 3 standard library only; run as root.

As a module (guest.py's phase_usblp): `create()` -> (lp, gadget node); `set_status(byte)`,
`port_status()`, `ieee1284_id()`, `destroy()`.
"""

import fcntl
import glob
import os
import struct
import subprocess
import time

GADGET = "/sys/kernel/config/usb_gadget/kioskprinter"
FUNCTION = "printer.usb0"
# A composite gadget of the Linux Foundation's id space (as configfs examples use): no real
# printer's id, so the kiosk's rule must give it /dev/kiosk-printer for being usblp alone.
VENDOR, PRODUCT = 0x1D6B, 0x0104
PNP = "MFG:Kiosk VM;MDL:Gadget Receipt Printer;CMD:ESC/POS;CLS:PRINTER;DES:dummy_hcd printer gadget;"

# linux/usb/g_printer.h
PRINTER_NOT_ERROR = 0x08
PRINTER_SELECTED = 0x10
PRINTER_PAPER_EMPTY = 0x20
GADGET_GET_PRINTER_STATUS = 0x80016721  # _IOR('g', 0x21, unsigned char)
GADGET_SET_PRINTER_STATUS = 0xC0016722  # _IOWR('g', 0x22, unsigned char)
# linux/lp.h: LPGETSTATUS (usblp: GET_PORT_STATUS), an int.
LPGETSTATUS = 0x060B


def _write(path, value):
    with open(path, "w") as f:
        f.write(value)


def _wait(path, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if os.path.exists(path):
            return True
        time.sleep(0.02)
    return False


def create():
    """Loads the modules, makes the gadget and binds it; returns (/dev/usb/lpN, /dev/g_printerN)."""
    for module in ("dummy_hcd", "libcomposite", "usb_f_printer", "usblp"):
        subprocess.run(["modprobe", module], check=True, capture_output=True)
    if not os.path.isdir("/sys/kernel/config/usb_gadget"):
        subprocess.run(["mount", "-t", "configfs", "none", "/sys/kernel/config"], check=False)
    before = set(glob.glob("/dev/usb/lp*"))
    os.makedirs(GADGET, exist_ok=True)
    _write(f"{GADGET}/idVendor", f"0x{VENDOR:04x}")
    _write(f"{GADGET}/idProduct", f"0x{PRODUCT:04x}")
    os.makedirs(f"{GADGET}/strings/0x409", exist_ok=True)
    _write(f"{GADGET}/strings/0x409/manufacturer", "Kiosk VM")
    _write(f"{GADGET}/strings/0x409/product", "Gadget Receipt Printer")
    _write(f"{GADGET}/strings/0x409/serialnumber", "KIOSKLP1")
    os.makedirs(f"{GADGET}/functions/{FUNCTION}", exist_ok=True)
    _write(f"{GADGET}/functions/{FUNCTION}/pnp_string", PNP)
    _write(f"{GADGET}/functions/{FUNCTION}/q_len", "10")
    os.makedirs(f"{GADGET}/configs/c.1/strings/0x409", exist_ok=True)
    _write(f"{GADGET}/configs/c.1/strings/0x409/configuration", "printer")
    link = f"{GADGET}/configs/c.1/{FUNCTION}"
    if not os.path.islink(link):
        os.symlink(f"{GADGET}/functions/{FUNCTION}", link)
    udc = sorted(os.listdir("/sys/class/udc"))
    if not udc:
        raise RuntimeError("no UDC in /sys/class/udc after modprobe dummy_hcd")
    _write(f"{GADGET}/UDC", udc[0])
    deadline = time.time() + 30
    lp = None
    while time.time() < deadline and lp is None:
        new = sorted(set(glob.glob("/dev/usb/lp*")) - before)
        lp = new[0] if new else None
        time.sleep(0.02)
    gadget = sorted(glob.glob("/dev/g_printer*"))
    if lp is None or not gadget:
        raise RuntimeError(f"after binding to {udc[0]}: usblp node {lp}, gadget nodes {gadget}")
    return lp, gadget[0]


def set_status(gadget_node, status):
    """Sets the gadget's IEEE 1284 status byte (what the host's GET_PORT_STATUS reads); the
    driver takes the byte as the ioctl's argument itself, not through a pointer. Returns the
    byte read back with GADGET_GET_PRINTER_STATUS (its return value)."""
    fd = os.open(gadget_node, os.O_RDWR)
    try:
        fcntl.ioctl(fd, GADGET_SET_PRINTER_STATUS, status)
        return fcntl.ioctl(fd, GADGET_GET_PRINTER_STATUS, 0)
    finally:
        os.close(fd)


def port_status(lp_node):
    """usblp's LPGETSTATUS on the host side: the status byte the gadget has set."""
    fd = os.open(lp_node, os.O_RDWR | os.O_NONBLOCK)
    try:
        return struct.unpack("i", fcntl.ioctl(fd, LPGETSTATUS, struct.pack("i", 0)))[0]
    finally:
        os.close(fd)


def ieee1284_id(lp_node):
    """The device ID usblp fetched with GET_DEVICE_ID (sysfs), or ''."""
    name = os.path.basename(lp_node)
    try:
        with open(f"/sys/class/usbmisc/{name}/device/ieee1284_id") as f:
            return f.read().strip()
    except OSError:
        return ""


def destroy():
    """Unbinds the gadget (the host sees the printer unplugged) and removes it."""
    if not os.path.isdir(GADGET):
        return
    try:
        _write(f"{GADGET}/UDC", "\n")
    except OSError:
        pass
    for path in (f"{GADGET}/configs/c.1/{FUNCTION}",):
        if os.path.islink(path):
            os.unlink(path)
    for path in (f"{GADGET}/configs/c.1/strings/0x409", f"{GADGET}/configs/c.1",
                 f"{GADGET}/functions/{FUNCTION}", f"{GADGET}/strings/0x409", GADGET):
        try:
            os.rmdir(path)
        except OSError:
            pass
