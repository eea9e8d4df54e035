"""Conversions of notes into Common Stock: the durable log, and the filled forms made from it.

`log` the database and its schema (`migrations/`, Alembic); `record` a conversion or a
rescission checked and computed against the log; `interest` the interest a conversion may
convert; `batch` many conversions from a CSV file, all or none; `documents` the filled
Conversion Notice and the note's Conversion Schedule; `session` the log opened for one
request; `place` where a deal's log is (without the database layer); `checks` the term
sheet against what the log records.
"""
