#!/usr/bin/env bash
# Remove the kiosk service and app (run as root). Keeps the data and config
# unless --purge is given: attendance records are the school's.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "uninstall.sh: run as root" >&2; exit 1; }
systemctl disable --now attendance-kiosk.service attendance-web.service attendance-backup.timer 2>/dev/null || true
rm -f /etc/systemd/system/attendance-kiosk.service /etc/systemd/system/attendance-web.service \
    /etc/systemd/system/attendance-backup.service /etc/systemd/system/attendance-backup.timer
systemctl daemon-reload 2>/dev/null || true
rm -rf /opt/attendance-kiosk
if [ "${1:-}" = "--purge" ]; then
    rm -rf /var/lib/attendance-kiosk /var/lib/attendance-kiosk-backups /etc/attendance-kiosk
    userdel kiosk 2>/dev/null || true
fi
echo "uninstalled${1:+ ($1)}"
