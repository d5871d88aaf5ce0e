"""Every word the guided enrolment screens show (kiosk/ui/enrol/), in one place so it can
be localised, beside kiosk/ui/text.py's words for the live screen and the overlay.
Nothing here imports pygame.
"""

from __future__ import annotations

from kiosk.messages import enrolment as enr
from kiosk.ui.text import ERR_ADMIN_ONLY

ENROL_TITLE = "Enrol a student"
ENROL_STEPS = (("person", "1 Who"), ("capture", "2 Photos"), ("done", "3 Save"))
ENROL_MODES = (("new", "New student"), ("extend", "Add photos"), ("replace", "Replace photos"))
ENROL_FIELDS = {"id": "Student ID", "name": "Full name", "consent": "Consent to face recognition",
                "guardian": "Parent or guardian's name"}
ENROL_PLACEHOLDERS = {"id": "letters, digits, . _ -", "name": "as it should appear on screen",
                      "guardian": "who gave consent for the minor"}
ENROL_CONSENT = (("self", "Student consents"), ("guardian", "Guardian (minor)"))
ENROL_KNOWN = "{name} · {n} photo(s) enrolled"
ENROL_PICK = "Tap to pick:"
ENROL_NEXT = "Take photos"
ENROL_CANCEL = "Cancel"
ENROL_RESTART = "Start again"
KEY_SHIFT, KEY_SPACE, KEY_NEXT_FIELD = "Shift", "Space", "Next field"
ENROL_ERR_FIELD = "{field}: {problem}"
ENROL_ERR_EXISTS = "{id} is already enrolled ({name}): choose Add photos or Replace photos"
ENROL_ERR_UNKNOWN = "No one is enrolled as '{id}'"
ENROL_ERR_CONSENT = "Confirm consent: the student, or a guardian for a minor"
ENROL_CAPTURE_TITLE = "Photos of {name}"
ENROL_POSES = {"front": "Straight ahead", "left": "Slightly left", "right": "Slightly right"}
ENROL_POSE_COUNT = "{n} / {total}"
ENROL_PROGRESS = "Photos"
ENROL_WAITING = "Waiting for the camera and the face models…"
ENROL_ADVICE = {
    "look": "Look at the camera", "one_person": "One person at a time, please", "closer": "Come closer",
    "back": "Move back a little", "centre": "Centre your face", "level": "Keep your head level",
    "straight": "Look straight at the camera", "left": "Turn slightly left", "right": "Turn slightly right",
    "still": "Hold still", "more_light": "Too dark: find more light", "less_light": "Too bright: avoid the glare",
    "eyes": "Keep your eyes open", "good": "Good, hold it there", "done": "All photos taken",
}
ENROL_TURN_NOTE = "Your own left or right: the picture is not a mirror"
ENROL_SAVING = "Saving…"
ENROL_SAVED = "Enrolled: {name}"
ENROL_SAVED_DETAIL = "{id} · {n} photo(s) stored · recognised from now on"
ENROL_SAVED_CONSENT = {"self": "Consent given by the student", "guardian": "Consent given by {guardian}, guardian"}
ENROL_LOOKALIKE = "Flagged as a look-alike of {name} ({id}): the kiosk needs a clearer match to name either"
ENROL_NOT_SAVED = "Not saved"
ENROL_DUPLICATE = "This face is already enrolled as {name} ({id})"
ENROL_NOT_ONE_PERSON = ("These photos show more than one person. Retake them with only the student "
                        "in front of the camera")
ENROL_NOT_THIS_PERSON = "These photos do not match {name} as enrolled. Check who is at the camera, or choose Replace photos"
ENROL_OVERRIDE_HINT = "An admin may enrol anyway if this really is a different person; it is recorded."
ENROL_OVERRIDE = "Enrol anyway"
ENROL_OVERRIDE_ADMIN_ONLY = ERR_ADMIN_ONLY  # the desk refuses with the same words (kiosk/ui/text.py)
ENROL_RETAKE = "Retake photos"
ENROL_DONE = "Done"
ENROL_ANOTHER = "Enrol another"


def enrolment_refusal(result: enr.EnrolmentSaved) -> str:
    if result.refusal == enr.DUPLICATE_FACE and result.duplicate_of:
        return ENROL_DUPLICATE.format(id=result.duplicate_of[0], name=result.duplicate_of[1])
    if result.refusal == enr.NOT_THIS_PERSON:
        return ENROL_NOT_THIS_PERSON.format(name=result.name)
    if result.refusal == enr.NOT_ONE_PERSON:
        return ENROL_NOT_ONE_PERSON
    return result.refusal
