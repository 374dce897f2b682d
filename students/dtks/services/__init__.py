"""The DTKS register in the database: importing snapshots, matching the
students against the newest one, and what the pages and commands show.

The matching itself is the pure engine of ``students.dtks.engine``; the
modules here only carry data between it and the database.
"""
