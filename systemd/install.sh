#!/usr/bin/env bash
# Install the kiosk as a systemd service on a Debian mini PC (run as root):
#   sudo systemd/install.sh [--no-start]
# Creates the `kiosk` system user, copies the app to /opt/attendance-kiosk,
# builds its venv with setup.sh, puts the config in /etc/attendance-kiosk,
# and enables the unit. Run it again to upgrade; data and config are kept.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "install.sh: run as root" >&2; exit 1; }
src=$(cd "$(dirname "$0")/.." && pwd)
app=/opt/attendance-kiosk
etc=/etc/attendance-kiosk
data=/var/lib/attendance-kiosk

id kiosk >/dev/null 2>&1 || useradd --system --home-dir "$data" --shell /usr/sbin/nologin \
    --groups video,render,input,audio kiosk 2>/dev/null || useradd --system --home-dir "$data" --shell /usr/sbin/nologin kiosk
install -d -m 0755 "$app" && install -d -m 0750 -g kiosk "$etc" && install -d -m 0700 -o kiosk -g kiosk "$data"
rsync -a --delete --exclude .venv --exclude data --exclude .git --exclude /models "$src/" "$app/" 2>/dev/null \
    || (cd "$src" && tar --exclude=.venv --exclude=./data --exclude=.git --exclude=./models -cf - . | tar -C "$app" -xf -)
# The installation's models folder (EdgeFace-S, the liveness model): bring this copy's files, never
# delete the installed ones on an upgrade; setup.sh below fetches what is still missing.
if [ -d "$src/models" ] && [ "$src" != "$app" ]; then
    install -d -m 0755 "$app/models" && cp -a "$src/models/." "$app/models/"
fi
(cd "$app" && ./setup.sh)
[ -f "$etc/kiosk.toml" ] || install -m 0640 -g kiosk "$app/config/kiosk.toml" "$etc/kiosk.toml"
[ -f "$etc/env" ] || install -m 0600 /dev/null "$etc/env"
install -m 0644 "$app/systemd/attendance-kiosk.service" /etc/systemd/system/attendance-kiosk.service
install -m 0644 "$app/systemd/attendance-web.service" /etc/systemd/system/attendance-web.service  # optional, not enabled
install -m 0644 "$app/systemd/attendance-backup.service" /etc/systemd/system/attendance-backup.service
install -m 0644 "$app/systemd/attendance-backup.timer" /etc/systemd/system/attendance-backup.timer  # nightly, enabled below
systemctl daemon-reload
systemctl enable attendance-kiosk.service
systemctl enable --now attendance-backup.timer
[ "${1:-}" = "--no-start" ] || systemctl restart attendance-kiosk.service
echo "installed: edit $etc/kiosk.toml, then: systemctl restart attendance-kiosk"
echo "staff web view (optional): systemctl enable --now attendance-web"
