/// The kiosk software's version, sent in `kiosk.health` and printed by `--version`.
public let kioskSoftwareVersion = "0.1.0"
