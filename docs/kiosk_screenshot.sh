#!/usr/bin/env bash
# Screenshot of the real kiosk, fullscreen in a real X window under Xvfb,
# grabbed from the X server (what a person at the door would see).
#   docs/kiosk_screenshot.sh [OUT.png] [SECONDS]
# Needs: apt-get install xvfb (imagemagick optional); the shared test data beside the repo.
# WITHOUT_LIVENESS_MODEL=1 leaves the MiniFASNet files out (every face is asked to blink).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/screenshots/kiosk_xvfb.png}
wait_s=${2:-4.2}
photos=../shared/data/face_recognition
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
py=.venv/bin/python; [ -x "$py" ] || py=python3
# Its own models folder too, so the liveness files imported below (or their absence) are this shot's alone.
export KIOSK_DATA_DIR=$data KIOSK_MODELS_DIR=$data/models KIOSK_ROOM=B12 KIOSK_TIMEZONE=Europe/London
# The full liveness stack, as a school installs it (README, Liveness).
[ -n "${WITHOUT_LIVENESS_MODEL:-}" ] || for onnx in ../shared/data/antispoof/silent-face/onnx/*.onnx; do
    "$py" main.py models import "$onnx" >/dev/null
done
# The face model setup.sh installed (EdgeFace-S, the default), so the shot shows the default kiosk.
installed=models/edgeface_s_gamma_05.onnx
[ ! -f "$installed" ] || "$py" main.py models import "$installed" >/dev/null
"$py" main.py enroll --id lin --name "Lin-Manuel Miranda" "$photos/lin-manuel-miranda.png" 2>/dev/null
"$py" main.py class add HAM101 --name "Hamilton Workshop" --students lin --room B12 >/dev/null
start=$(TZ=Europe/London date -d '-1 min' +%H:%M); end=$(TZ=Europe/London date -d '+45 min' +%H:%M)
"$py" main.py schedule add HAM101 --start "$start" --end "$end" --date "$(TZ=Europe/London date +%F)" >/dev/null
# ImageMagick's import where installed, else Pillow's X grab (the kiosk's own venv has Pillow).
if command -v import >/dev/null; then grab="import -window root '$out'"
else grab="'$py' -c \"import os; from PIL import ImageGrab; ImageGrab.grab(xdisplay=os.environ['DISPLAY']).save('$out')\""; fi
xvfb-run -a -s "-screen 0 1280x720x24" bash -c "
  SDL_VIDEODRIVER=x11 SDL_AUDIODRIVER=dummy '$py' main.py --log-level WARNING run --camera '$photos/short_hamilton_clip.mp4' &
  pid=\$!; sleep $wait_s; $grab; grabbed=\$?; kill -TERM \$pid; wait \$pid; exit \$grabbed"
echo "saved $out"
