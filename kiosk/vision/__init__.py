"""The face library: from a camera frame or a photo to "who is this, or is it a stranger".

Start at naming.py: the one rule that names a face or a track, or calls it a stranger
(NamingRule, built by naming_rule() from the config and calibration.py), and the bars
enrolment holds a new photo to. Around it:

- pipeline.py: detector + embedder chosen by config (yunet.py, sface.py, dlib_backend.py,
  deepface_backend.py, onnx_embedders.py on the base classes in base.py; weights.py finds
  their files), with quality.py's gates (is the face frontal, sharp, lit) and subject.py
  (which face a still photo is of); images.py loads photos, landmarks.py is the face mesh;
- gallery.py: the enrolled people's vectors, scoring faces against them;
- tracker.py: faces followed across frames (state only), evidence.py the mean of a track's
  frames;
- lookalike.py: enrolment's screening for duplicates and look-alikes.

A stranger is a Match with person_id None, a Track with `stranger` set and a check-in with
Status.STRANGER; the screen says "Not recognised". The package imports nothing above it (no store,
enrolment or recognition): kiosk/enrolment/gallery.py builds the gallery from the store.
"""
