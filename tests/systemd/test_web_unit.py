"""The staff web view's unit is hardened like the kiosk's, and more (test_unit.py verifies both units)."""

from pathlib import Path

SYSTEMD = Path(__file__).resolve().parents[2] / "systemd"
UNIT = SYSTEMD / "attendance-web.service"


def keys_of(unit: Path) -> dict[str, list[str]]:
    keys: dict[str, list[str]] = {}
    for line in unit.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            keys.setdefault(key, []).append(value)
    return keys


def test_web_unit_has_every_hardening_key_of_the_kiosks_and_more():
    web, kiosk = keys_of(UNIT), keys_of(SYSTEMD / "attendance-kiosk.service")
    hardening = ["NoNewPrivileges", "ProtectSystem", "ReadWritePaths", "ProtectHome", "PrivateTmp",
                 "CapabilityBoundingSet", "AmbientCapabilities", "RestrictSUIDSGID", "LockPersonality",
                 "ProtectKernelTunables", "ProtectKernelModules", "ProtectControlGroups", "RestrictRealtime",
                 "SystemCallArchitectures", "UMask", "User", "StateDirectory", "StateDirectoryMode"]
    for key in hardening:
        assert web[key] == kiosk[key], key
    for key in ("PrivateDevices", "ProtectKernelLogs", "ProtectClock", "RestrictNamespaces"):
        assert web[key] == ["true"], key
    assert web["RestrictAddressFamilies"] == ["AF_INET AF_INET6 AF_UNIX"]
    assert "SupplementaryGroups" not in web  # no camera, display or input devices
    assert web["Restart"] == ["on-failure"] and "EnvironmentFile" in web


def test_web_unit_listens_on_loopback_only_by_default():
    (start,) = keys_of(UNIT)["ExecStart"]
    assert " web " in start and "--host 127.0.0.1" in start and "--insecure-http" not in start
