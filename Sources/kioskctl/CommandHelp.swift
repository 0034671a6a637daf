/// Each command's own `--help` page: what it does, its options, examples. `kioskctl --help`
/// is the overview; `kioskctl COMMAND --help` (or `kioskctl help COMMAND`) is its page.
enum CommandHelp {
    static let overview = """
        kioskctl — the technician's tool for the kiosk controller

        Usage: kioskctl COMMAND [OPTIONS]   (kioskctl COMMAND --help for a command's page)

        Commands:
          status          one-line health verdict and details; exit 0 healthy, 1 degraded, 3 not running
          queue           list|dead|held|requeue|release: events waiting for the central server, dead
                          letters, print jobs held for a technician
          config          check [FILE]: every problem in kiosk.conf; show: the effective configuration
          devices         input devices (scanners?) and serial ports, udev rules (--write-rules)
          test-print      a test page (styles, barcode, QR, Vietnamese)
          scan-test       live decoded scans (stop kioskd first)
          calibrate       print the calibration sheet, scan the answers, write the local profile
          lookup          a dossier's status from the service (--print: a status slip)
          reprint         the service prints a receipt again, marked reprint
          watch           the service's events live (scans, state changes)
          print-catalog   the procedure sheet citizens scan from
          render          what a file of ESC/POS bytes prints
          report          a support bundle without personal data, to send to support
          version         kioskctl's version (also --version)

        Common options: --json (data, and errors as one JSON object on stderr), --config FILE
        (default /etc/kiosk/kiosk.conf), --socket PATH, --timeout SECONDS. Printer profiles and
        keymaps: --data-dir DIR or KIOSK_DATA_DIR=DIR (default /usr/share/kiosk, where the package
        installs them; never the current directory).

        While kioskd runs, status, queue, lookup, reprint, test-print and watch go through its
        control socket ([Control] Socket=, group [Control] Group=, default kiosk-tech). When it is
        stopped, status and queue read the database directly and read-only; `queue requeue` and
        `queue release` are refused (exit 69): kioskd is the database's one writer.

        Examples:
          kioskctl status || echo "kiosk needs a technician"
          kioskctl config check /etc/kiosk/kiosk.conf
          kioskctl queue dead --json | jq .

        Exit codes: 0 ok, 1 failure, 2 usage, 69 service unavailable, 78 configuration error;
        status: 0 healthy, 1 degraded, 3 not running, 4 cannot tell. docs/kioskctl.md has more.
        """

    static let pages: [String: String] = [
        "status": """
        kioskctl status [--json] [--quiet] [--max-backlog-age DURATION] [--config FILE] [--socket PATH]
                        [--db FILE | --state-dir DIR] [--timeout SECONDS]

        The kiosk's health in one line, then the details: printer (asked now), scanner, backlog,
        dead letters, last delivery. The exit code is the verdict, for scripts and monitoring,
        as `systemctl is-active`:
          0  healthy
          1  degraded: printer not ok (paper out or nearly out, cover open, offline, missing),
             scanner missing, oldest undelivered event older than --max-backlog-age (default
             1h; only when [Central] URL= is set), or dead letters
          3  not running (the control socket does not answer); the database is read read-only
          4  cannot tell: permission denied on the socket, kioskd busy, or no answer in time
        --json prints {"verdict": "healthy|degraded|not-running|unknown", "problems": [...], ...}.
        --quiet prints nothing; only the exit code.

        Examples:
          kioskctl status
          kioskctl status --quiet || logger -t kiosk "kiosk degraded"
          kioskctl status --json | jq -r .verdict
        """,
        "queue": """
        kioskctl queue list [--limit N] [--json]
        kioskctl queue dead [--limit N] [--json]
        kioskctl queue held [--json]
        kioskctl queue requeue EVENT-ID | --all [--json]
        kioskctl queue release JOB | --all [--json]
          options: --config FILE, --socket PATH, --timeout SECONDS; for list, dead and held
          when kioskd is stopped: --db FILE or --state-dir DIR

        The outbox: events waiting for the central server (list), events the server rejected
        with its reasons (dead), and sending dead letters again (requeue); and the print jobs
        kioskd stopped printing and holds for a technician, with the reason (held: a copy that
        kept failing, or a crash that interrupted its reprint; docs/print-once.md), and giving
        one back to the printer (release: kioskd prints it once more, under the one BẢN IN LẠI
        banner, if the printer can print now; otherwise it answers why and the job stays held,
        never printed later on its own). Event data is never shown: it holds citizens'
        personal data.

        While kioskd runs, every queue command goes through its control socket (members of
        the socket's group can use them; a requeue wakes the forwarder and kioskd logs who
        asked). When kioskd is stopped, list, dead and held open the database read-only
        (nothing is written, migrated or moved; a database of another schema version is
        refused); requeue and release are refused with exit 69: kioskd is the queue's one
        writer, so start it (systemctl start kioskd) and run the command again.
        --json: requeue prints {"requeued": [EVENT-ID, ...]}, release {"released": [JOB, ...]}.

        Examples:
          kioskctl queue list --limit 10
          kioskctl queue dead --json | jq '.[].deadReason'
          kioskctl queue requeue 6f1c1b2e-3c39-4f7e-9d8a-0b6a3f1e2c11
          kioskctl queue requeue --all
          kioskctl queue held && kioskctl queue release 41
        """,
        "config": """
        kioskctl config check [FILE] [--json] [--user NAME] [--unit FILE]
        kioskctl config show [FILE] [--json]

        check: every problem in one pass, each with its file, line and key: kiosk.conf, the
        catalog and holiday files, the central key, printer profile, scanner keymap — and
        what kioskd will meet when it runs as its user (User= of the unit, default kiosk):
        the state directory exists or can be created and is writable by that user, the key
        file is readable by it and not by group or others, the control socket path fits in
        107 bytes and its group exists, the devices are there with permissions the user has
        (absent devices are warnings: they may be plugged in later). Exit 0 when there is no
        error, 78 when there is one.
        --json: {"ok": bool, "file": …, "errors": n, "warnings": n,
                 "problems": [{"severity": "error"|"warning", "message", "text", "file"?, "line"?,
                               "section"?, "key"?, "value"?}]}

        show: the effective configuration with every default filled in and, for each value,
        where it came from (FILE:LINE, or "default").

        Examples:
          kioskctl config check
          kioskctl config check /tmp/new-kiosk.conf --json | jq '.problems[].text'
          kioskctl config show | grep Printer
        """,
        "devices": """
        kioskctl devices [--json] [--write-rules [FILE]] [--sysfs DIR] [--dev DIR]

        Input devices (and which look like barcode scanners, and why) and serial ports, with
        USB ids and by-id links, and for each the udev rule line that gives it its role, in
        the form /lib/udev/rules.d/60-kiosk.rules reads: ENV{KIOSK_ROLE}="printer"|"scanner"
        in /etc/udev/rules.d/60-kiosk-local.rules (scanner lines match the keyboard
        interface only, ENV{ID_INPUT_KEYBOARD}=="1").
        --write-rules writes the lines for the devices found (the scanner-looking input
        devices and every serial port) to FILE (default /etc/udev/rules.d/60-kiosk-local.rules);
        then run `udevadm control --reload && udevadm trigger`.

        Examples:
          kioskctl devices
          kioskctl devices --write-rules && udevadm control --reload && udevadm trigger
        """,
        "test-print": """
        kioskctl test-print [--config FILE] [--device PATH] [--profile NAME] [--profiles DIR]
                            [--baud N] [--flow none|rtscts|xonxoff] [--out FILE] [--json]

        A test page: every text style, a CODE128 barcode, a QR code and the Vietnamese
        alphabet in each code page of the profile. While kioskd runs it prints through
        kioskd's queue; otherwise on the device directly, or to --out FILE (see render).

        Examples:
          kioskctl test-print
          kioskctl test-print --device /dev/ttyUSB0 --profile epson-tm-t20iii --baud 38400
          kioskctl test-print --out page.bin && kioskctl render page.bin --png page.png
        """,
        "calibrate": CalibrateCommand.help + """


            Examples:
              systemctl stop kioskd && kioskctl calibrate && systemctl start kioskd
              kioskctl calibrate --sheet-out sheet.bin && kioskctl render sheet.bin --png sheet.png
            """,
        "scan-test": ScanTestCommand.help + """


            Examples:
              systemctl stop kioskd && kioskctl scan-test
              kioskctl scan-test --device /dev/input/event5 --keymap us --raw
            """,
        "lookup": """
        kioskctl lookup CODE [--print] [--json] [--config FILE] [--socket PATH]

        A dossier's status as the running kioskd knows it (the ID number masked); --print
        also prints the status slip at the kiosk.

        Example:
          kioskctl lookup YBVY01-261121-0007-K
        """,
        "reprint": """
        kioskctl reprint CODE [--json] [--config FILE] [--socket PATH]

        The running kioskd prints a dossier's receipt again, marked as a reprint.

        Example:
          kioskctl reprint YBVY01-261121-0007-K
        """,
        "watch": """
        kioskctl watch [--json] [--config FILE] [--socket PATH]

        kioskd's events as they happen (scans handled, printer and scanner changes), one
        line each, until Ctrl-C or until kioskd stops.

        Example:
          kioskctl watch --json | jq -c .
        """,
        "print-catalog": """
        kioskctl print-catalog [--config FILE] [--png OUT] [--text OUT] [--escpos OUT] [--profile NAME] [--json]

        The sheet citizens scan procedures from (and the technician codes when
        [Control] TechnicianCodes=yes), from the configured catalog, as PNG, text or
        ESC/POS bytes for a printer.

        Example:
          kioskctl print-catalog --png /tmp/catalog.png --escpos /tmp/catalog.bin
        """,
        "render": """
        kioskctl render FILE [--png OUT] [--text] [--profile NAME] [--profiles DIR] [--scale N] [--json]

        What a file of ESC/POS bytes prints: a PNG image and (--text) a transcript.

        Example:
          kioskctl render receipt.bin --png receipt.png --text
        """,
        "report": """
        kioskctl report [--out FILE] [--lines N] [--config FILE] [--socket PATH] [--db FILE | --state-dir DIR]

        A support bundle to send to support: versions, the configuration without secrets
        (the central key is never read; URL credentials are removed), the devices, the
        status and queue summary, the last N (default 200) lines of kioskd's journal when
        journalctl is there. Never personal data: no ID numbers, names, addresses or event
        data. Written to FILE (mode 0600) or to stdout.

        Example:
          kioskctl report --out /tmp/kiosk-report.txt
        """,
        "version": """
        kioskctl version [--json]     (or kioskctl --version)

        kioskctl's version and the database schema version it reads.
        """,
    ]
}
