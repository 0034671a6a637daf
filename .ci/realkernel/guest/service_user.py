"""kioskd (and kioskctl) as the shipped unit runs them, for the real-kernel VM: an unprivileged
user (nobody: `kiosk` exists only where the package is installed) with the unit's
SupplementaryGroups=, read from systemd/kioskd.service (sysusers gives `kiosk` the same groups,
for `sudo -u kiosk kioskctl`), so a device node those groups cannot open fails as it would on a
kiosk. Python 3 standard library only.
"""

import grp
import os
import time

UID = 65534


def unit_groups(repo):
    """The names in the shipped unit's SupplementaryGroups=."""
    with open(os.path.join(repo, "systemd", "kioskd.service")) as f:
        return next((line.split("=", 1)[1].split() for line in f if line.startswith("SupplementaryGroups=")), [])


def command(repo, arguments):
    """`arguments` run through setpriv as the service user."""
    return ["setpriv", f"--reuid={UID}", f"--regid={UID}", "--groups=" + ",".join(unit_groups(repo)),
            "--"] + arguments


def runs_as_service_user(repo, pid, name="kioskd"):
    """Whether process `pid` (once setpriv has become `name`) runs as UID with exactly the unit's
    groups; and what it runs as, for a failed check."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and open(f"/proc/{pid}/comm").read().strip() != name:
        time.sleep(0.05)
    status = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status") if ":" in line)
    uids = status.get("Uid", "").split()
    gids = sorted(int(g) for g in status.get("Groups", "").split())
    wanted = sorted(grp.getgrnam(group).gr_gid for group in unit_groups(repo))
    ok = uids == [str(UID)] * 4 and gids == wanted
    return ok, f"Uid {uids}, Groups {gids}, the unit's {unit_groups(repo)} = {wanted}"
