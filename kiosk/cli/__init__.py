"""`python main.py COMMAND`: the kiosk and its admin commands, one module per command.

main.py parses the command line and dispatches; run.py starts the kiosk, demo.py the
demo; enroll.py, enroll_csv.py and enrol_photos.py enrol people; classes_cmd.py,
schedule_cmd.py and attendance_cmd.py are `class`, `schedule` and `attendance`;
staff_cmd.py, privacy_cmd.py, audit_cmd.py, models_cmd.py, liveness_cmd.py,
sync_cmd.py, web_cmd.py and doctor.py the rest. common.py holds what every command
shares (the store for one command, audited admin writes, dates), so no command
imports another.
"""
