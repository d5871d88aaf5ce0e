"""Enrolment shared by the command line and the kiosk screen.

rules     what a person id and a name may be
service   screen the faces, store them, flag look-alikes, record consent
guidance  what one camera frame tells a student during guided capture (pure)
capture   the guided capture, run by the recognition worker on live frames
desk      the kiosk's enrolment commands, run by the admin worker
events    what those workers post to the screen, and the commands they take
"""
