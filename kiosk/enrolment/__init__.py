"""Enrolment shared by the command line and the kiosk screen.

rules     what a person id and a name may be
service   screen the faces, store them, flag look-alikes, record consent
guidance  what one camera frame tells a student during guided capture (pure)
capture   the guided capture, run by the recognition worker on live frames
gallery   the enrolled gallery as the store holds it (recognition, the duplicate check, identify)

Their messages to and from the screen are in kiosk/messages/enrolment.py; the door's
enrolment actions for the signed-in instructor are kiosk/staff/enrolment_actions.py.
"""
