"""The human-readable tables that bench/accuracy.py prints (the JSON has it all)."""

from __future__ import annotations

BASELINE = "deepface Dlib/dlib (original)"


def pct(pair: list[float]) -> str:
    return f"{100 * pair[0]:5.1f}±{100 * pair[1]:4.1f}"


def print_report(results: list[dict], skipped: dict[str, str]) -> None:
    _print_verification(results)
    _print_open_set(results)
    _print_calibration(results)
    for name, why in skipped.items():
        print(f"skipped {name}: {why}")


def _print_verification(results: list[dict]) -> None:
    base = next((r for r in results if r["variant"] == BASELINE), None)
    print("\n== Verification (accuracy %, best threshold / calibrated threshold; TAR at FAR=0)")
    print(f"{'pipeline':32} {'noface':>6} | {'master best/cal':>15} {'TAR0':>5} {'dp':>5} |"
          f" {'pivot best/cal':>15} {'TAR0':>5} {'dp':>5} | {'det ms':>7} {'emb ms':>7} {'x base':>6}")
    for r in results:
        v = r["verification"]
        cells = []
        for name in ("master", "pivot"):
            x = v.get(name)
            cells.append("-" * 29 if x is None else
                         f"{100 * x['acc_best']:6.1f}/{100 * x['acc_calibrated']:5.1f}   "
                         f"{100 * x['tar_far0']:5.1f} {x['d_prime']:5.2f}")
        total = (r["detect_ms"] or 0) + (r["embed_ms"] or 0)
        ratio = f"{total / ((base['detect_ms'] or 0) + (base['embed_ms'] or 0)):6.2f}" if base else "     -"
        print(f"{r['variant']:32} {len(r['no_face']):6} | {cells[0]} | {cells[1]} |"
              f" {r['detect_ms'] or 0:7.1f} {r['embed_ms'] or 0:7.1f} {ratio}")


def _print_open_set(results: list[dict]) -> None:
    print("\n== Open set (mean±sd % over splits): at the calibrated default | cross-validated zero-FA threshold")
    print(f"{'pipeline':32} {'set':8} {'thr':>5} {'marg':>5} | {'rank-1 DIR':>10} {'stranger FA':>11}"
          f" {'wrong name':>10} | {'cv DIR':>10} {'cv FA':>10} | {'transfer DIR/FA':>21}")
    for r in results:
        cal = r["calibration"]
        for name, o in r["open_set"].items():
            d, c, t = o["at_default"], o["cv_zero_far"], r["transfer"].get(name)
            tr = f"{pct(t['dir'])}/{pct(t['stranger_far'])}" if t else "-"
            print(f"{r['variant']:32} {name:8} {cal['threshold']:5.3f} {cal['margin']:5.2f} |"
                  f" {pct(d['dir'])} {pct(d['stranger_far']):>11} {pct(d['mis_id']):>10} |"
                  f" {pct(c['dir'])} {pct(c['stranger_far'])} | {tr:>21}")
    print("\n== Ablation (open-set d', cross-validated DIR and stranger FA %, oracle DIR %)")
    for r in results:
        for name, o in r["open_set"].items():
            for a in o["ablation"]:
                print(f"{r['variant']:32} {name:8} {a['step']:24} d'={a['open_set_d_prime']:5.2f}"
                      f"  DIR {pct(a['cv']['dir'])}  FA {pct(a['cv']['stranger_far'])}"
                      f"  oracle {pct(a['oracle_dir'])}")


def _print_calibration(results: list[dict]) -> None:
    print("\n== Calibration (cosine similarity)")
    for r in results:
        c = r["calibration"]
        print(f"{r['variant']:32} threshold {c['threshold']:.3f} (impostor max {c['impostor_max']:.3f},"
              f" normal fit 1e-5 {c['impostor_normal_fit']:.3f}; genuine pairs kept"
              f" {100 * c['tar_pairs_at_threshold']:.1f}%)  margin {c['margin']:.2f}"
              f" (genuine margin p1 {c['genuine_margin_p1']:.3f})")
    print("\n== At the libraries' own published thresholds (no margin): verification accuracy %;"
          " open-set DIR / stranger FA / wrong name %")
    for r in results:
        lib = r.get("library_threshold")
        if lib:
            sets = "  ".join(f"{n}: {pct(o['dir'])}/{pct(o['stranger_far'])}/{pct(o['mis_id'])}"
                             for n, o in lib["open_set"].items())
            acc = " ".join(f"{n} {100 * a:5.1f}" for n, a in lib["verification_acc"].items())
            print(f"{r['variant']:32} t={lib['threshold']:.3f}  {acc}  {sets}")
    print("\n== Threshold sweep (same rule at other per-comparison FAR targets; both sets' splits pooled)")
    for r in results:
        print(f"{r['variant']:32} " + "  ".join(
            f"{far}: t={x['threshold']:.3f} DIR {100 * x['dir'][0]:5.1f} FA {100 * x['stranger_far'][0]:4.1f}"
            f" wrong {100 * x['mis_id'][0]:3.1f}" for far, x in r["sweep"].items()))


def print_calib_report(calib: dict) -> None:
    """identify_calib: cross-validated DIR, wrong names and strangers accepted per rule and margin."""
    base = calib.get("baseline")
    if base:
        b = base["baseline"]
        print(f"\n== identify_calib baseline (code {base['rev']}, rule 0.49 / 0.12): DIR {100 * b['dir']:.1f} %,"
              f" wrong {b['wrong']}, strangers {b['strangers_accepted']}/{b['strangers']},"
              f" enrolment refused {100 * base['refusal_rate']:.1f} %")
    for model, runs in calib["models"].items():
        for label in ("one_photo", "two_photos"):
            r = runs[label]
            print(f"\n== identify_calib {model}, {label.replace('_', ' ')}: enrolment refused "
                  f"{100 * r['refusal_rate']:.1f} %; DIR % (lfw / pins), wrong names, strangers accepted")
            for margin, methods in r["margins"].items():
                cells = [f"{m}: {100 * v['dir']:.1f} ({_src(v, 'lfw')}/{_src(v, 'pins')}) w{v['wrong']} "
                         f"s{v['strangers_accepted']}" for m, v in methods.items()]
                print(f"  margin {margin}  " + " | ".join(cells))
        rule = calib["shipped"][model]
        print(f"  shipped: margin {rule['margin']:.2f}, threshold by people {rule['by_people']}")


def _src(v: dict, source: str) -> str:
    s = v["by_source"].get(source)
    return f"{100 * s['dir']:.1f}" if s else "-"
