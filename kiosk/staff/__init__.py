"""What staff do: sign in with a PIN, and act on their classes, at the door and beyond it.

- sign_in.py: PIN sign-in at the door's keypad and at the web login, and the lockout
  that guards both (its rules, and its state shared through the database);
- roles.py: who may act on a class (an admin any, an instructor their own);
- marks.py: marking a student by hand, the one routine the door, the web and the CLI call;
- desk.py: the instructor's desk at the door, answering the PIN overlay's commands;
- worker.py: the thread the desk runs in;
- enrolment_actions.py: enrolment at the door (the people list, saving a guided capture).

Start at desk.py for the door, at marks.py for a mark made anywhere.
"""
