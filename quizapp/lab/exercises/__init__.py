"""The three lab exercises as pure functions: what the right answer is, and the grade.

No Django request, no database, no socket: each function takes what a check
found (a probe result as JSON, Received: headers, a mailbox's state) and
returns plain data the page turns into text.
"""
