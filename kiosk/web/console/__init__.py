"""The school's console in the browser (admins): people and their photos, classes and rosters,
the timetable, staff, and the audit trail. Each page acts through the same routines as the
command line (kiosk/staff/school.py, kiosk/enrolment/), with the same gates, audit rows and
central writes; nothing here speaks SQL. Instructors see their own classes and keep the
register (kiosk/web/pages.py).

- access.py: admins only, and who did it (the audit trail's `web:ID`);
- uploads.py: multipart forms (photos, CSV files) read within limits;
- people.py, classes.py, timetable.py, staff.py, audit.py: the pages.
"""
